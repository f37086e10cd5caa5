package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C stops new work, waits a bounded time for what is in flight, and still writes everything. */
class InterruptTest {

    @Test
    void ctrlCWritesWhatWasCrawledAndExits130(@TempDir Path out) throws Exception {
        // An endless site where every page takes 200 ms: the crawl is still going when we interrupt it.
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", exchange -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String path = exchange.getRequestURI().getPath();
            byte[] body = ("<html><body><a href=\"" + path + "a/\">a</a> <a href=\"" + path + "b/\">b</a></body></html>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            Path stdout = out.resolve("stdout.txt");
            Path stderr = out.resolve("stderr.txt");
            Path results = out.resolve("run");
            Process rendler = Rendler.start(stdout, stderr, "--output", results.toString(), "--no-render",
                    "--max-pages", "100000", "--max-depth", "100", "--crawl-concurrency", "2", "--grace", "5s",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/");
            // Wait until pages are being crawled, then press Ctrl-C.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(stderr).contains("crawled") && System.nanoTime() < deadline) Thread.sleep(100);
            Thread.sleep(1000);
            new ProcessBuilder("kill", "-INT", Long.toString(rendler.pid())).start().waitFor();

            assertTrue(rendler.waitFor(30, TimeUnit.SECONDS), "rendler did not stop after Ctrl-C");
            String err = Files.readString(stderr);
            assertEquals(130, rendler.exitValue(), err);
            String summary = Files.readString(stdout);
            assertTrue(summary.contains("(interrupted"), summary);
            DotGraph graph = DotGraph.parse(results.resolve("rendler.dot"));
            assertTrue(graph.nodes().size() >= 3, "pages crawled before Ctrl-C are kept: " + graph.nodes().size());
            assertTrue(Files.exists(results.resolve("report.html")) && Files.exists(results.resolve("pages.json")));
        } finally {
            server.stop(0);
        }
    }
}
