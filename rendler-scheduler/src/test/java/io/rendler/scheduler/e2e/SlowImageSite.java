package io.rendler.scheduler.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hub page linking to {@code pages - 1} others, each of which waits for an image that the server
 * sends only after a delay: every render is in flight for at least that long, so a test can be sure
 * to act while renders are loading.
 */
final class SlowImageSite implements AutoCloseable {

    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=");

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(16);
    private final int pages;
    private final long imageDelayMillis;
    private final AtomicInteger imageRequests = new AtomicInteger();
    private final Set<String> loading = ConcurrentHashMap.newKeySet();

    SlowImageSite(int pages, Duration imageDelay) throws IOException {
        this.pages = pages;
        this.imageDelayMillis = imageDelay.toMillis();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::page);
        server.createContext("/img/", this::image);
        server.start();
    }

    String startUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** Images asked for so far: one per render that got as far as loading its page. */
    int imageRequests() {
        return imageRequests.get();
    }

    /** The pages whose image was asked for: each was being rendered then, or has been since. */
    Set<String> pagesLoaded() {
        return Set.copyOf(loading);
    }

    private void page(HttpExchange exchange) throws IOException {
        StringBuilder html = new StringBuilder("<html><body><h1>").append(exchange.getRequestURI().getPath()).append("</h1>");
        html.append("<img src=\"/img/").append(exchange.getRequestURI().getPath().replace('/', '_')).append(".png\">");
        if (exchange.getRequestURI().getPath().equals("/")) {
            for (int i = 1; i < pages; i++) html.append("<a href=\"/page-").append(i).append("\">").append(i).append("</a> ");
        }
        send(exchange, "text/html", html.append("</body></html>").toString().getBytes(StandardCharsets.UTF_8));
    }

    private void image(HttpExchange exchange) throws IOException {
        String page = exchange.getRequestURI().getPath().substring("/img/".length()).replace('_', '/').replace(".png", "");
        loading.add(startUrl() + page.substring(1));
        imageRequests.incrementAndGet();
        try {
            Thread.sleep(imageDelayMillis); // the slow part of the site, not test synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        send(exchange, "image/png", PNG);
    }

    private static void send(HttpExchange exchange, String type, byte[] body) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (IOException e) {
            // The browser went away mid-response: it was killed, or the page was given up.
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(0);
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }
}
