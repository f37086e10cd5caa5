package io.rendler.crawl.testsite;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;

/**
 * A site whose pages try to make a crawler or a browser leave it, and a second server on another
 * port of 127.0.0.1 standing in for an internal service that none of them may reach. The internal
 * server logs every request it gets ({@link #internalRequests}), so a test can assert it got none.
 *
 * <p>Routes of the site ({@code /} links to all of them):
 * <ul>
 *   <li>{@code /js-redirect}: a script sets {@code location.href} to the internal server.</li>
 *   <li>{@code /meta-refresh}: a meta refresh to the internal server.</li>
 *   <li>{@code /after-load}: navigates to the internal server from its load event handler.</li>
 *   <li>{@code /cloaked}: a harmless page for a crawler; a browser's navigation (it sends
 *       {@code Sec-Fetch-Mode}) gets a 302 to the internal server.</li>
 *   <li>{@code /redirect-off-host}: a 302 to the internal server for everyone.</li>
 *   <li>{@code /popup}: opens the internal server in a new window.</li>
 *   <li>{@code /iframe}: the internal server in an iframe.</li>
 *   <li>{@code /subresources}: an image, a script and a fetch() from the internal server.</li>
 *   <li>{@code /moves-in-scope}: a script moves to {@code /landed}, on this site.</li>
 *   <li>{@code /gzip}: HTML sent with {@code Content-Encoding: gzip}, linking to {@code /gzip/a} and
 *       {@code /gzip/b}, although nobody asked for gzip.</li>
 *   <li>{@code /long-link}: one link to this site {@value #LONG_LINK_CHARS} characters long.</li>
 *   <li>{@code /gzip-bomb} (not linked): a gzip body of about 50 KB that decodes to
 *       {@value #BOMB_BYTES} bytes, with a link at the start.</li>
 * </ul>
 * The index also links straight to the internal server. Anything else is a small page.
 */
public final class EscapeSite implements AutoCloseable {

    public static final int LONG_LINK_CHARS = 100_000;
    public static final int BOMB_BYTES = 50 * 1024 * 1024;

    public static final List<String> ESCAPES = List.of(
            "/js-redirect", "/meta-refresh", "/after-load", "/cloaked", "/redirect-off-host", "/popup", "/iframe", "/subresources");

    private final HttpServer site;
    private final HttpServer internal;
    private final ExecutorService workers;
    private final List<String> internalLog = new CopyOnWriteArrayList<>();

    private EscapeSite(HttpServer site, HttpServer internal, ExecutorService workers) {
        this.site = site;
        this.internal = internal;
        this.workers = workers;
    }

    /** Starts the site and the internal server on 127.0.0.1, each on a free port. */
    public static EscapeSite start() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        HttpServer site = HttpServer.create(new InetSocketAddress(loopback, 0), 64);
        HttpServer internal = HttpServer.create(new InetSocketAddress(loopback, 0), 64);
        ExecutorService workers = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "escape-site");
            thread.setDaemon(true);
            return thread;
        });
        EscapeSite escapeSite = new EscapeSite(site, internal, workers);
        site.createContext("/", escapeSite::serveSite);
        internal.createContext("/", escapeSite::serveInternal);
        site.setExecutor(workers);
        internal.setExecutor(workers);
        site.start();
        internal.start();
        return escapeSite;
    }

    /** {@code http://127.0.0.1:<port>} of the site, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + site.getAddress().getPort();
    }

    public String url(String path) {
        return baseUrl() + path;
    }

    /** {@code http://127.0.0.1:<port>} of the internal server. */
    public String internalBaseUrl() {
        return "http://127.0.0.1:" + internal.getAddress().getPort();
    }

    /** "GET /path" for every request the internal server received, in order. */
    public List<String> internalRequests() {
        return List.copyOf(internalLog);
    }

    /** The in-scope URL of {@code /long-link}'s one link. */
    public String longLink() {
        String prefix = "/long?";
        return url(prefix + "x".repeat(LONG_LINK_CHARS - baseUrl().length() - prefix.length()));
    }

    @Override
    public void close() {
        site.stop(0);
        internal.stop(0);
        workers.shutdownNow();
    }

    private void serveInternal(HttpExchange exchange) {
        try (exchange) {
            internalLog.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            page(exchange, 200, "<h1>INTERNAL SERVICE</h1>");
        } catch (IOException e) {
            // the client went away
        }
    }

    private void serveSite(HttpExchange exchange) {
        String internalUrl = internalBaseUrl();
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            switch (path) {
                case "/" -> page(exchange, 200, index());
                case "/js-redirect" -> page(exchange, 200,
                        "<h1>JS redirect</h1><script>location.href = '" + internalUrl + "/from-js';</script>");
                case "/meta-refresh" -> respond(exchange, 200, "text/html", ("<!doctype html><html><head>"
                        + "<meta http-equiv=\"refresh\" content=\"0; url=" + internalUrl + "/from-meta\"></head>"
                        + "<body><h1>Meta refresh</h1></body></html>").getBytes(StandardCharsets.UTF_8));
                case "/after-load" -> page(exchange, 200, "<h1>After load</h1><script>addEventListener('load', () => {"
                        + " location.href = '" + internalUrl + "/after-load'; });</script>");
                case "/cloaked" -> {
                    if (exchange.getRequestHeaders().containsKey("Sec-Fetch-Mode")) {
                        redirect(exchange, internalUrl + "/cloaked");
                    } else {
                        page(exchange, 200, "<h1>Nothing to see</h1>");
                    }
                }
                case "/redirect-off-host" -> redirect(exchange, internalUrl + "/redirected");
                case "/popup" -> page(exchange, 200, "<h1>Popup</h1><script>window.open('" + internalUrl + "/popup');</script>");
                case "/iframe" -> page(exchange, 200, "<h1>Iframe</h1><iframe src=\"" + internalUrl + "/iframe\"></iframe>");
                case "/subresources" -> page(exchange, 200, "<h1>Subresources</h1><img src=\"" + internalUrl + "/image.png\">"
                        + "<script src=\"" + internalUrl + "/script.js\"></script>"
                        + "<script>fetch('" + internalUrl + "/fetch').catch(() => {});</script>");
                case "/moves-in-scope" -> page(exchange, 200, "<h1>Moving</h1><script>location.href = '/landed';</script>");
                case "/gzip" -> gzip(exchange, "<!doctype html><html><body><h1>Compressed</h1>"
                        + "<a href=\"/gzip/a\">a</a> <a href=\"/gzip/b\">b</a></body></html>");
                case "/gzip-bomb" -> gzipBomb(exchange);
                case "/long-link" -> page(exchange, 200, "<a href=\"" + longLink() + "\">a very long link</a>");
                default -> page(exchange, 200, "<h1>" + path.substring(0, Math.min(path.length(), 40)) + "</h1>");
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private String index() {
        StringBuilder body = new StringBuilder("<h1>Escape site</h1><ul>\n");
        for (String route : ESCAPES) body.append("<li><a href=\"").append(route).append("\">").append(route).append("</a></li>\n");
        for (String route : List.of("/moves-in-scope", "/gzip", "/long-link")) {
            body.append("<li><a href=\"").append(route).append("\">").append(route).append("</a></li>\n");
        }
        body.append("<li><a href=\"").append(internalBaseUrl()).append("/linked\">internal</a></li>\n");
        return body.append("</ul>").toString();
    }

    private static void gzip(HttpExchange exchange, String html) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
            out.write(html.getBytes(StandardCharsets.UTF_8));
        }
        exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        respond(exchange, 200, "text/html; charset=utf-8", compressed.toByteArray());
    }

    private static void gzipBomb(HttpExchange exchange) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] spaces = new byte[1024 * 1024];
        java.util.Arrays.fill(spaces, (byte) ' ');
        try (GZIPOutputStream out = new GZIPOutputStream(compressed)) {
            out.write("<!doctype html><html><body><a href=\"/after-the-bomb\">x</a>".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < BOMB_BYTES / spaces.length; i++) out.write(spaces);
        }
        exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        respond(exchange, 200, "text/html; charset=utf-8", compressed.toByteArray());
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        page(exchange, 302, "<a href=\"" + location + "\">moved</a>");
    }

    private static void page(HttpExchange exchange, int status, String body) throws IOException {
        respond(exchange, status, "text/html; charset=utf-8",
                ("<!doctype html><html><body>" + body + "</body></html>").getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
