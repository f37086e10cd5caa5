package io.rendler.crawl.testsite;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small web site that misbehaves on purpose, served by the JDK's HttpServer on 127.0.0.1 and
 * a free port, for testing anything that fetches pages. Every response is made on the fly; the
 * site has no files.
 *
 * <p>Routes ({@code /} links to all of them, in this order):
 * <ul>
 *   <li>{@code /404}, {@code /500}: error statuses, each with an HTML body holding a link.
 *       {@code /not-modified}: a 304, a 3xx that is not a redirect.</li>
 *   <li>{@code /slow-body}: headers, then one byte a second until the client leaves.</li>
 *   <li>{@code /hang}: reads the request and never answers.</li>
 *   <li>{@code /huge}: a {@value #HUGE_BYTES}-byte HTML page, streamed; its two links
 *       ({@code /huge/first}, {@code /huge/second}) are at the start.</li>
 *   <li>{@code /huge.pdf}: as large, as {@code application/pdf}.</li>
 *   <li>{@code /redirect-loop/a}: redirects to {@code /redirect-loop/b}, which redirects back.</li>
 *   <li>{@code /redirect-chain}: three redirects (301, 302 with a relative Location, 308 with an
 *       absolute one) to {@code /redirect-chain/final}, which links to {@code next.html} and {@code /}.</li>
 *   <li>{@code /redirect-ftp}: redirects to an ftp URL. {@code /redirect-nowhere}: a 302 without Location.</li>
 *   <li>{@code /trap/N}: a crawler trap; links to {@code /trap/N+1} and {@code /trap/N?x=<random>}.</li>
 *   <li>{@code /image.png} (a real 1×1 PNG), {@code /doc.pdf}, {@code /notes.txt}: not HTML.</li>
 *   <li>{@code /base-href}: {@code <base href="/sub/">} and relative links.</li>
 *   <li>{@code /odd-links}: mailto:, javascript:, tel:, data:, ftp:, fragments, duplicates, empty
 *       and broken hrefs, and resources (img, script, css) that are not links.</li>
 *   <li>{@code /unicode-links}: links with spaces and non-ASCII characters, and an IDN host.</li>
 *   <li>{@code /latin1}: ISO-8859-1 declared only in a meta tag, with {@code é} in a link.
 *       {@code /latin1-header}: the same declared only in the Content-Type header.</li>
 *   <li>{@code /no-content-type}: HTML without a Content-Type header. {@code /page.xhtml}:
 *       {@code application/xhtml+xml}.</li>
 *   <li>{@code /user-agent}: links to {@code /seen?ua=<the User-Agent it received>}.</li>
 *   <li>{@code /render-hang}: fine HTML whose image is {@code /hang}, so a browser's load event
 *       never fires: the crawl succeeds and the render must time out.</li>
 * </ul>
 * Anything else is a 404.
 *
 * <p>Streamed routes report how many body bytes they wrote before the client went away; see
 * {@link #bytesStreamed}.
 */
public final class HostileSite implements AutoCloseable {

    public static final long HUGE_BYTES = 50L * 1024 * 1024;

    private static final byte[] TINY_PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGM4Y2wMAAMBATPEwnsTAAAAAElFTkSuQmCC");
    private static final byte[] TINY_PDF = """
            %PDF-1.4
            1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
            2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj
            trailer << /Root 1 0 R >>
            %%EOF
            """.getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final ExecutorService workers;
    /** Released on close, so that the routes that never end do end. */
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, CompletableFuture<Long>> streams = new ConcurrentHashMap<>();
    /** How many requests have reached {@code /hang}, so a test can wait for one instead of sleeping. */
    private final java.util.concurrent.atomic.AtomicInteger hangs = new java.util.concurrent.atomic.AtomicInteger();

    private HostileSite(HttpServer server, ExecutorService workers) {
        this.server = server;
        this.workers = workers;
    }

    /** Starts the site on 127.0.0.1 and a free port. */
    public static HostileSite start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 64);
        AtomicInteger threads = new AtomicInteger();
        ExecutorService workers = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "hostile-site-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        HostileSite site = new HostileSite(server, workers);
        server.createContext("/", site::serve);
        server.setExecutor(workers);
        server.start();
        return site;
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The absolute URL of {@code pathAndQuery}, which starts with {@code /}. */
    public String url(String pathAndQuery) {
        return baseUrl() + pathAndQuery;
    }

    /**
     * Completes, once a streamed route ({@code /slow-body}, {@code /huge}, {@code /huge.pdf}) has
     * finished serving {@code pathAndQuery}, with the body bytes it wrote. Give each request a
     * query of its own to tell requests apart.
     */
    public CompletableFuture<Long> bytesStreamed(String pathAndQuery) {
        return streams.computeIfAbsent(pathAndQuery, key -> new CompletableFuture<>());
    }

    /** Requests that have reached {@code /hang} so far. */
    public int hangingRequests() {
        return hangs.get();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        workers.shutdownNow();
    }

    private void serve(HttpExchange exchange) {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            switch (path) {
                case "/" -> index(exchange);
                case "/404" -> page(exchange, 404, "<h1>Not here</h1><a href=\"/hidden-by-404\">link</a>");
                case "/500" -> page(exchange, 500, "<h1>Broken</h1><a href=\"/hidden-by-500\">link</a>");
                case "/not-modified" -> respond(exchange, 304, "text/html", new byte[0]);
                case "/slow-body" -> slowBody(exchange);
                case "/hang" -> hang();
                case "/huge" -> huge(exchange, "text/html", """
                        <!doctype html><html><head><title>Huge</title></head><body>
                        <a href="/huge/first">first</a> <a href="/huge/second">second</a>
                        """);
                case "/huge.pdf" -> huge(exchange, "application/pdf", "%PDF-1.4\n");
                case "/redirect-loop/a" -> redirect(exchange, 302, "/redirect-loop/b");
                case "/redirect-loop/b" -> redirect(exchange, 302, "/redirect-loop/a");
                case "/redirect-chain" -> redirect(exchange, 301, "/redirect-chain/2");
                case "/redirect-chain/2" -> redirect(exchange, 302, "3");
                case "/redirect-chain/3" -> redirect(exchange, 308, url("/redirect-chain/final"));
                case "/redirect-chain/final" -> page(exchange, 200, "<a href=\"next.html\">next</a> <a href=\"/\">home</a>");
                case "/redirect-ftp" -> redirect(exchange, 302, "ftp://ftp.example.org/file.txt");
                case "/redirect-nowhere" -> respond(exchange, 302, null, new byte[0]);
                case "/render-hang" -> page(exchange, 200, "<h1>Loads forever</h1><img src=\"/hang\">");
                case "/image.png" -> respond(exchange, 200, "image/png", TINY_PNG);
                case "/doc.pdf" -> respond(exchange, 200, "application/pdf", TINY_PDF);
                case "/notes.txt" -> respond(exchange, 200, "text/plain; charset=utf-8",
                        "<a href=\"/not-a-link\">plain text is not parsed</a>".getBytes(StandardCharsets.UTF_8));
                case "/base-href" -> respond(exchange, 200, "text/html", """
                        <!doctype html><html><head><base href="/sub/"></head><body>
                        <a href="page.html">1</a> <a href="../up.html">2</a> <a href="/abs.html">3</a>
                        <a href="deeper/x.html?q=1">4</a> <a href="#frag">5</a>
                        </body></html>
                        """.getBytes(StandardCharsets.UTF_8));
                case "/odd-links" -> page(exchange, 200, oddLinks());
                case "/unicode-links" -> page(exchange, 200, """
                        <a href="/a b/c d.html">spaces</a>
                        <a href="/ünï/日本.html">non-ASCII</a>
                        <a href="/search?q=café au lait">query</a>
                        <a href="/already%20escaped/%c3%a9">escaped</a>
                        <a href="http://bücher.example/straße">IDN host</a>
                        """);
                case "/latin1" -> respond(exchange, 200, "text/html", latin1Page(true));
                case "/latin1-header" -> respond(exchange, 200, "text/html; charset=ISO-8859-1", latin1Page(false));
                case "/no-content-type" -> respond(exchange, 200, null,
                        "<html><body><a href=\"/typeless\">x</a></body></html>".getBytes(StandardCharsets.UTF_8));
                case "/page.xhtml" -> respond(exchange, 200, "application/xhtml+xml", """
                        <?xml version="1.0" encoding="UTF-8"?>
                        <html xmlns="http://www.w3.org/1999/xhtml"><body><a href="/from-xhtml">x</a></body></html>
                        """.getBytes(StandardCharsets.UTF_8));
                case "/user-agent" -> {
                    String userAgent = exchange.getRequestHeaders().getFirst("User-Agent");
                    page(exchange, 200, "<a href=\"/seen?ua=" + URLEncoder.encode(String.valueOf(userAgent), StandardCharsets.UTF_8) + "\">ua</a>");
                }
                default -> {
                    if (path.matches("/trap/\\d{1,9}")) trap(exchange, Integer.parseInt(path.substring("/trap/".length())));
                    else page(exchange, 404, "<h1>No such page</h1>");
                }
            }
        } catch (IOException e) {
            // The client went away; that is what half of these routes are for.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void index(HttpExchange exchange) throws IOException {
        StringBuilder body = new StringBuilder("<h1>Hostile site</h1><ul>\n");
        for (String route : new String[] {
                "/404", "/500", "/not-modified", "/slow-body", "/hang", "/huge", "/huge.pdf", "/redirect-loop/a", "/redirect-chain",
                "/redirect-ftp", "/redirect-nowhere", "/trap/1", "/image.png", "/doc.pdf", "/notes.txt", "/base-href",
                "/odd-links", "/unicode-links", "/latin1", "/latin1-header", "/no-content-type", "/page.xhtml",
                "/user-agent", "/render-hang"}) {
            body.append("<li><a href=\"").append(route).append("\">").append(route).append("</a></li>\n");
        }
        page(exchange, 200, body.append("</ul>").toString());
    }

    private String oddLinks() {
        return """
                <img src="/picture.jpg"><script src="/script.js"></script>
                <link rel="stylesheet" href="/style.css">
                <a href="mailto:someone@example.org">mail</a>
                <a href="javascript:alert(1)">js</a>
                <a href="tel:+15555550100">phone</a>
                <a href="data:text/html,hello">data</a>
                <a href="ftp://ftp.example.org/file">ftp</a>
                <a href="#top">fragment only</a>
                <a href="">empty</a>
                <a>no href</a>
                <a href="/dup">duplicate</a>
                <a href="/dup#part">duplicate with a fragment</a>
                <a href="  /padded  ">padded</a>
                <a href="http://">broken</a>
                <a href="http://exa mple.org/">space in the host</a>
                <a href="//example.org/protocol-relative">protocol-relative</a>
                <a href="HTTP://Example.ORG:80/Case">upper case</a>
                <a href="https://example.org:443/a/./b/../c">dot segments</a>
                <a href="/dup">duplicate again</a>
                <a href="/nofollow" rel="nofollow">nofollow</a>
                <map name="m"><area href="/from-area" shape="rect" coords="0,0,1,1"></map>
                """;
    }

    private static byte[] latin1Page(boolean withMeta) {
        String meta = withMeta ? "<meta charset=\"ISO-8859-1\">" : "";
        return ("<html><head>" + meta + "</head><body><a href=\"/caf\u00e9.html\">caf\u00e9</a></body></html>")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private void trap(HttpExchange exchange, int n) throws IOException {
        page(exchange, 200, "<a href=\"/trap/" + (n + 1) + "\">deeper</a> <a href=\"/trap/" + n + "?x="
                + UUID.randomUUID() + "\">same page, new name</a>");
    }

    private void slowBody(HttpExchange exchange) throws IOException, InterruptedException {
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, 0);
        long written = 0;
        try {
            OutputStream out = exchange.getResponseBody();
            out.write("<html><body><a href=\"/never-seen\">".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!closing.await(1, TimeUnit.SECONDS)) {
                out.write(' ');
                out.flush();
                written++;
            }
        } finally {
            bytesStreamed(pathAndQuery(exchange)).complete(written);
        }
    }

    private void hang() throws InterruptedException {
        hangs.incrementAndGet();
        closing.await(10, TimeUnit.MINUTES);
    }

    private void huge(HttpExchange exchange, String contentType, String head) throws IOException {
        byte[] start = head.getBytes(StandardCharsets.UTF_8);
        byte[] filler = "<p>filler filler filler filler filler filler filler filler filler filler</p>\n"
                .repeat(800).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(200, HUGE_BYTES);
        long written = 0;
        try {
            OutputStream out = exchange.getResponseBody();
            out.write(start);
            written += start.length;
            while (written < HUGE_BYTES) {
                int length = (int) Math.min(filler.length, HUGE_BYTES - written);
                out.write(filler, 0, length);
                written += length;
            }
        } finally {
            bytesStreamed(pathAndQuery(exchange)).complete(written);
        }
    }

    private void redirect(HttpExchange exchange, int status, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        page(exchange, status, "<a href=\"/hidden-by-redirect\">moved</a>");
    }

    private static void page(HttpExchange exchange, int status, String body) throws IOException {
        respond(exchange, status, "text/html; charset=utf-8",
                ("<!doctype html><html><body>" + body + "</body></html>").getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) exchange.getResponseBody().write(body);
    }

    private static String pathAndQuery(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        return exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
    }
}
