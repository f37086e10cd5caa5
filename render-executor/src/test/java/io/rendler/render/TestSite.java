package io.rendler.render;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A small site on 127.0.0.1 for the render tests. Its pages are laid out with absolutely
 * positioned blocks of known colours, so a test can look at a screenshot's pixels and tell that the
 * stylesheet and the image really arrived.
 */
final class TestSite implements AutoCloseable {

    /** The red block from the stylesheet covers x 0..399, y 0..299. */
    static final Color CSS_RED = new Color(0xdd, 0x11, 0x11);
    /** The blue image is drawn at x 500..699, y 0..199. */
    static final Color IMAGE_BLUE = new Color(0x11, 0x33, 0xcc);
    /** The 404 page's green block covers x 0..299, y 0..199. */
    static final Color ERROR_GREEN = new Color(0x11, 0xaa, 0x33);

    private static final String PAGE = """
            <!doctype html>
            <html><head><title>Styled</title><link rel="stylesheet" href="/style.css"></head>
            <body style="margin:0;background:#fff">
            <div class="block"></div>
            <img src="/blue.png" style="position:absolute;left:500px;top:0;width:200px;height:200px">
            <p style="position:absolute;top:400px;left:20px">Some text under the blocks.</p>
            </body></html>
            """;
    private static final String STYLE = ".block{position:absolute;left:0;top:0;width:400px;height:300px;background:#dd1111}";
    /**
     * Text in a web font that arrives late, with font-display: block, so the text stays invisible
     * until the font is there. The browser asks for the font only once it lays the text out.
     */
    private static final String WEB_FONT_PAGE = """
            <!doctype html><html><head><style>
            @font-face{font-family:Late;src:url(/late-font.ttf);font-display:block}
            p{font:96px Late;margin:0;position:absolute;left:20px;top:20px;color:#000}
            </style></head><body style="margin:0;background:#fff"><p>Rendler</p></body></html>
            """;
    /**
     * A red block that fades in over 200 ms, and an image that keeps the load event waiting for
     * {@link #LATE_MILLIS}: by the load event the block is fully there.
     */
    private static final String FADE_IN_PAGE = """
            <!doctype html><html><head><style>
            @keyframes appear{from{opacity:0}to{opacity:1}}
            .block{position:absolute;left:0;top:0;width:400px;height:300px;background:#dd1111;animation:appear 200ms both}
            </style></head><body style="margin:0;background:#fff"><div class="block"></div>
            <img src="/late-blue.png" style="position:absolute;left:800px;top:0;width:200px;height:200px">
            </body></html>
            """;
    /**
     * A lazily loaded image in the viewport, which the browser asks for once it has laid the page
     * out, and an image that keeps the load event waiting for {@link #LATE_MILLIS}.
     */
    private static final String LAZY_IMAGE_PAGE = """
            <!doctype html><html><body style="margin:0;background:#fff">
            <img loading="lazy" src="/blue.png" style="position:absolute;left:500px;top:0;width:200px;height:200px">
            <img src="/late-blue.png" style="position:absolute;left:800px;top:0;width:200px;height:200px">
            </body></html>
            """;
    /** How late the late font and the late image are. */
    static final long LATE_MILLIS = 400;

    private static final String MISSING = """
            <!doctype html><html><body style="margin:0;background:#fff">
            <div style="position:absolute;left:0;top:0;width:300px;height:200px;background:#11aa33"></div>
            <h1 style="position:absolute;top:250px">404 Not Found</h1></body></html>
            """;

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "test-site");
        thread.setDaemon(true);
        return thread;
    });
    private final CountDownLatch releaseHangingRequests = new CountDownLatch(1);
    private final BlockingQueue<String> requestedPaths = new LinkedBlockingQueue<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();

    record Upload(String contentType, byte[] body) {}

    TestSite() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::serve);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Waits until the browser has asked for {@code path}; paths are recorded as they arrive. */
    boolean awaitRequest(String path, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (long left = unit.toNanos(timeout); left > 0; left = deadline - System.nanoTime()) {
            String next = requestedPaths.poll(left, TimeUnit.NANOSECONDS);
            if (path.equals(next)) return true;
        }
        return false;
    }

    Upload upload(String path) {
        return uploads.get(path);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            requestedPaths.add(path);
            switch (path) {
                case "/page.html" -> send(exchange, 200, "text/html; charset=utf-8", PAGE);
                case "/style.css" -> send(exchange, 200, "text/css", STYLE);
                case "/blue.png" -> send(exchange, 200, "image/png", solidPng(IMAGE_BLUE));
                case "/missing.html" -> send(exchange, 404, "text/html; charset=utf-8", MISSING);
                case "/web-font.html" -> send(exchange, 200, "text/html", WEB_FONT_PAGE);
                case "/late-font.ttf" -> sendLate(exchange, "font/ttf", Files.readAllBytes(systemFont()));
                case "/fade-in.html" -> send(exchange, 200, "text/html", FADE_IN_PAGE);
                case "/lazy-image.html" -> send(exchange, 200, "text/html", LAZY_IMAGE_PAGE);
                case "/late-blue.png" -> sendLate(exchange, "image/png", solidPng(IMAGE_BLUE));
                case "/hang.html", "/hang.png" -> hang(exchange);
                case "/waits-for-image.html" -> send(exchange, 200, "text/html",
                        "<!doctype html><p>Loading forever</p><img src=\"/hang.png\">");
                case "/busy.html" -> send(exchange, 200, "text/html",
                        "<!doctype html><p>Busy</p><script>for (;;) {}</script>");
                // Loads fine, then spins: the screenshot is what never comes back.
                case "/spins-after-load.html" -> send(exchange, 200, "text/html",
                        "<!doctype html><p>Loaded</p><script>onload = () => setTimeout(() => { for (;;) {} }, 0);</script>");
                case "/upload-broken" -> send(exchange, 500, "text/plain", "disk full");
                case "/late-page.html" -> sendLate(exchange, "text/html; charset=utf-8", PAGE.getBytes(StandardCharsets.UTF_8));
                // Loads, then reloads itself every 100 ms, for as long as it is left open.
                case "/reloads-itself.html" -> send(exchange, 200, "text/html",
                        "<!doctype html><p>Again</p><script>onload = () => setTimeout(() => location.reload(), 100);</script>");
                // Allocates without end (outside the JavaScript heap), while an image keeps its load event waiting.
                case "/allocates.html" -> send(exchange, 200, "text/html", """
                        <!doctype html><p>Hungry</p><img src="/hang.png"><script>
                        const kept = [];
                        (function grow() { for (let i = 0; i < 4; i++) kept.push(new Uint8Array(16 << 20).fill(1)); setTimeout(grow, 0); })();
                        </script>""");
                default -> {
                    if (path.startsWith("/upload/") && exchange.getRequestMethod().equals("PUT")) {
                        uploads.put(path, new Upload(exchange.getRequestHeaders().getFirst("Content-Type"),
                                exchange.getRequestBody().readAllBytes()));
                        exchange.sendResponseHeaders(201, -1);
                    } else if (path.startsWith("/pages/")) {
                        send(exchange, 200, "text/html", "<!doctype html><h1>Page " + path + "</h1>"
                                + "<div style=\"width:200px;height:100px;background:#4477aa\"></div>");
                    } else {
                        send(exchange, 404, "text/plain", "no such page");
                    }
                }
            }
        }
    }

    private void hang(HttpExchange exchange) throws IOException {
        try {
            releaseHangingRequests.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        send(exchange, 503, "text/plain", "gave up");
    }

    private static void sendLate(HttpExchange exchange, String type, byte[] body) throws IOException {
        try {
            Thread.sleep(LATE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        send(exchange, 200, type, body);
    }

    /** Any TrueType font of this machine's (fontconfig brings DejaVu); null when there is none. */
    static Path systemFont() {
        try (Stream<Path> files = Files.walk(Path.of("/usr/share/fonts"))) {
            return files.filter(file -> file.getFileName().toString().endsWith(".ttf")).sorted().findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().put("Content-Type", List.of(type));
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    static byte[] solidPng(Color color) {
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) image.setRGB(x, y, color.getRGB());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        releaseHangingRequests.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
