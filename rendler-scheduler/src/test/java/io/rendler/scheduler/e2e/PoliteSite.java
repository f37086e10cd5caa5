package io.rendler.scheduler.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small site on 127.0.0.1 with a robots.txt (a disallowed folder and a Crawl-delay), a page that
 * answers 429 with a Retry-After once, and a log of every request it receives, with its arrival
 * time, for tests to check what a crawl did from the server's side.
 */
final class PoliteSite implements AutoCloseable {

    /** One request as the server saw it. */
    record Request(long arrivedNanos, String path, String userAgent, boolean fromBrowser) {}

    static final String ROBOTS = "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.5\n";

    private final HttpServer server;
    private final List<Request> log = new ArrayList<>();
    private final AtomicInteger retryAnswers = new AtomicInteger();

    private PoliteSite(HttpServer server) {
        this.server = server;
    }

    static PoliteSite start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        PoliteSite site = new PoliteSite(server);
        server.createContext("/", site::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        return site;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    synchronized List<Request> requests() {
        return List.copyOf(log);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        boolean browser = exchange.getRequestHeaders().containsKey("Sec-fetch-mode");
        synchronized (this) {
            log.add(new Request(System.nanoTime(), path, exchange.getRequestHeaders().getFirst("User-Agent"), browser));
        }
        switch (path) {
            case "/robots.txt" -> send(exchange, 200, "text/plain", ROBOTS);
            case "/" -> send(exchange, 200, "text/html", page("home", "/a", "/private/secret", "/retry", "/b"));
            case "/a" -> send(exchange, 200, "text/html", page("a", "/", "/private/other"));
            case "/b" -> send(exchange, 200, "text/html", page("b", "/a"));
            case "/retry" -> {
                if (!browser && retryAnswers.getAndIncrement() == 0) {
                    exchange.getResponseHeaders().add("Retry-After", "1");
                    send(exchange, 429, "text/html", page("slow down"));
                } else {
                    send(exchange, 200, "text/html", page("retry", "/"));
                }
            }
            default -> send(exchange, path.startsWith("/private/") ? 200 : 404, "text/html", page("not for crawlers"));
        }
    }

    private static String page(String title, String... links) {
        StringBuilder html = new StringBuilder("<!doctype html><html><head><title>" + title + "</title></head><body><h1>" + title + "</h1>");
        for (String link : links) html.append("<p><a href=\"").append(link).append("\">").append(link).append("</a></p>");
        return html.append("</body></html>").toString();
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type + "; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
