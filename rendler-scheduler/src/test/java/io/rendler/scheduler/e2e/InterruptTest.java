package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C stops new work, waits a bounded time for what is in flight, and still writes everything;
 * signals are sent as a terminal sends them, to the whole process group of a real rendler process.
 */
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
            Process rendler = Rendler.startAsTerminalJob(stdout, stderr, "--output", results.toString(), "--no-render",
                    "--max-pages", "100000", "--max-depth", "100", "--crawl-concurrency", "2", "--grace", "5s",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/");
            await(rendler, "pages being crawled", () -> Files.readString(stderr).split("crawled ", -1).length > 3);
            ctrlC(rendler);

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

    @Test
    void ctrlCLetsThePagesBeingRenderedFinish(@TempDir Path out) throws Exception {
        try (SlowImageSite site = new SlowImageSite(12, Duration.ofMillis(1500))) {
            Path results = out.resolve("run");
            Process rendler = Rendler.startAsTerminalJob(out.resolve("stdout.txt"), out.resolve("stderr.txt"),
                    "--output", results.toString(), "--grace", "30s", "--page-timeout", "20s", site.startUrl());
            await(rendler, "both render slots loading a page", () -> site.pagesLoaded().size() >= 2);
            List<ProcessHandle> chromium = RunProcesses.chromium(rendler);
            Set<String> inFlight = site.pagesLoaded();
            ctrlC(rendler);

            assertTrue(rendler.waitFor(60, TimeUnit.SECONDS), "rendler did not stop after Ctrl-C");
            String err = Files.readString(out.resolve("stderr.txt"));
            assertEquals(130, rendler.exitValue(), err);
            Map<String, JsonObject> pages = pages(results);
            for (String url : inFlight) {
                assertEquals("RENDERED", pages.get(url).get("status").getAsString(), "a render in flight at Ctrl-C: " + pages.get(url) + "\n" + err);
            }
            assertTrue(RunProcesses.awaitGone(chromium), "Chromium still running after rendler exited");
        }
    }

    @Test
    void aSecondCtrlCStopsWaitingForRendersAndStillWritesEveryOutput(@TempDir Path out) throws Exception {
        try (SlowImageSite site = new SlowImageSite(6, Duration.ofSeconds(60))) {
            Path results = out.resolve("run");
            Path stderr = out.resolve("stderr.txt");
            Process rendler = Rendler.startAsTerminalJob(out.resolve("stdout.txt"), stderr,
                    "--output", results.toString(), "--grace", "60s", "--page-timeout", "90s", site.startUrl());
            await(rendler, "a page being rendered", () -> !site.pagesLoaded().isEmpty());
            List<ProcessHandle> chromium = RunProcesses.chromium(rendler);
            ctrlC(rendler);
            await(rendler, "rendler waiting for the pages in flight", () -> Files.readString(stderr).contains("stopping"));
            long secondCtrlC = System.nanoTime();
            ctrlC(rendler);

            assertTrue(rendler.waitFor(30, TimeUnit.SECONDS), "rendler still waiting after a second Ctrl-C:\n" + Files.readString(stderr));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - secondCtrlC);
            String err = Files.readString(stderr);
            assertEquals(130, rendler.exitValue(), err);
            assertTrue(tookMillis < 15_000, "took " + tookMillis + " ms after the second Ctrl-C:\n" + err);
            assertTrue(Files.readString(out.resolve("stdout.txt")).contains("(interrupted"), err);
            Map<String, JsonObject> pages = pages(results);
            assertEquals(200, pages.get(site.startUrl()).get("http_status").getAsInt(), "the start page was crawled: " + pages);
            assertTrue(DotGraph.parse(results.resolve("rendler.dot")).nodes().size() >= 2, err);
            assertTrue(Files.exists(results.resolve("report.html")), err);
            assertTrue(RunProcesses.awaitGone(chromium), "Chromium still running after rendler exited");
        }
    }

    @Test
    void aRunThatCrawledNothingIsNotASuccess(@TempDir Path out) throws Exception {
        // A start page that never answers, and a time limit that comes first.
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.start();
        try {
            Rendler.Run run = Rendler.run("--output", out.toString(), "--no-render", "--time-limit", "2s", "--grace", "1s",
                    "--page-timeout", "60s", "http://127.0.0.1:" + server.getAddress().getPort() + "/");

            assertEquals(3, run.exitCode(), run.output());
            assertTrue(run.stderr().contains("nothing was crawled"), run.output());
            assertTrue(run.stdout().startsWith("rendler: 0 crawled"), run.output());
            assertTrue(Files.exists(out.resolve("rendler.dot")) && Files.exists(out.resolve("report.html")), run.output());
        } finally {
            release.countDown();
            server.stop(0);
        }
    }

    /** What a terminal does on Ctrl-C: SIGINT to every process in the foreground process group. */
    private static void ctrlC(Process rendler) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + rendler.pid()).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -INT to process group " + rendler.pid());
    }

    private interface Condition {
        boolean holds() throws IOException;
    }

    private static void await(Process rendler, String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.holds()) {
            assertTrue(rendler.isAlive(), "rendler exited before " + what);
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            rendler.waitFor(50, TimeUnit.MILLISECONDS);
        }
    }

    private static Map<String, JsonObject> pages(Path results) throws IOException {
        Map<String, JsonObject> byUrl = new HashMap<>();
        for (JsonElement page : JsonParser.parseString(Files.readString(results.resolve("pages.json"))).getAsJsonObject()
                .getAsJsonArray("pages")) {
            byUrl.put(page.getAsJsonObject().get("url").getAsString(), page.getAsJsonObject());
        }
        return byUrl;
    }

}
