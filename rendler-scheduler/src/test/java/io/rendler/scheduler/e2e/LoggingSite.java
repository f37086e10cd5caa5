package io.rendler.scheduler.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A generated site on 127.0.0.1 that logs who fetched what: {@code /p/0.html} to
 * {@code /p/(N-1).html}, each linking to its two children in a binary tree, to the start page and
 * to its neighbour, answered after a delay so that a crawl of it takes a few seconds. A request
 * with {@code Sec-Fetch-Mode} comes from Chromium (a render); one without, from the crawl executor.
 */
final class LoggingSite implements AutoCloseable {

    /** One page request: the page's path and whether a browser (a render) asked. */
    record Request(String path, boolean browser) {}

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final List<Request> log = new ArrayList<>(); // guarded by itself
    private final int pages;
    private final long delayMillis;

    private LoggingSite(int pages, long delayMillis) throws IOException {
        this.pages = pages;
        this.delayMillis = delayMillis;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::answer);
        server.start();
    }

    static LoggingSite start(int pages, long delayMillis) throws IOException {
        return new LoggingSite(pages, delayMillis);
    }

    String startUrl() {
        return url(0);
    }

    String url(int page) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/p/" + page + ".html";
    }

    /** Every page request so far, in order. */
    List<Request> requests() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean browser = exchange.getRequestHeaders().containsKey("Sec-Fetch-Mode");
            int page = pageNumber(path);
            if (page < 0) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            synchronized (log) {
                log.add(new Request(path, browser));
            }
            Thread.sleep(delayMillis);
            StringBuilder html = new StringBuilder("<html><head><title>page " + page + "</title></head><body><h1>Page " + page + "</h1>");
            for (int link : new int[] {2 * page + 1, 2 * page + 2, 0, (page + 1) % pages}) {
                if (link < pages) html.append("<a href=\"/p/").append(link).append(".html\">page ").append(link).append("</a> ");
            }
            byte[] body = html.append("</body></html>").toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int pageNumber(String path) {
        if (!path.startsWith("/p/") || !path.endsWith(".html")) return -1;
        try {
            int page = Integer.parseInt(path.substring(3, path.length() - 5));
            return page >= 0 && page < pages ? page : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
