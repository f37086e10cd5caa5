package io.rendler.scheduler.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves the bundled Port Kestrel Transit site ({@code demo-site/} on the classpath) on
 * 127.0.0.1, for {@code rendler demo} and for tests. The files are read once at start from the
 * classpath, jar or not: {@code demo-site/INDEX} lists them, because a jar cannot be listed like
 * a directory.
 */
public final class DemoSite implements AutoCloseable {

    static final String RESOURCE_ROOT = "demo-site/";
    static final String INDEX = "INDEX";

    private static final int THREADS = 4;
    private static final byte[] NOT_FOUND =
            "<!DOCTYPE html><title>Not found</title><h1>404 Not found</h1>\n".getBytes(StandardCharsets.UTF_8);

    private final Map<String, byte[]> files;
    private final HttpServer server;
    private final ExecutorService executor;

    private DemoSite(Map<String, byte[]> files, HttpServer server, ExecutorService executor) {
        this.files = files;
        this.server = server;
        this.executor = executor;
    }

    /** Starts the site on a free port. */
    public static DemoSite start() throws IOException {
        return start(0);
    }

    /** Starts the site on {@code port} of 127.0.0.1 (0 for any free port). */
    public static DemoSite start(int port) throws IOException {
        return start(InetAddress.getLoopbackAddress(), port);
    }

    /**
     * Starts the site on {@code address}, for a crawl from other machines (a Mesos agent in a VM,
     * say). Its URLs then name that address.
     */
    public static DemoSite start(InetAddress address, int port) throws IOException {
        Map<String, byte[]> files = loadFiles();
        // Read once, when the first server is made; without it every response waits ~50 ms for Nagle.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, task -> {
            Thread thread = new Thread(task, "demo-site-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        DemoSite site = new DemoSite(files, server, executor);
        server.createContext("/", site::handle);
        server.setExecutor(executor);
        server.start();
        return site;
    }

    /** The site's root, such as {@code http://127.0.0.1:40123/}. */
    public String baseUrl() {
        InetAddress address = server.getAddress().getAddress();
        String host = address.isAnyLocalAddress() ? "127.0.0.1" : address.getHostAddress();
        if (host.indexOf(':') >= 0) host = "[" + host + "]";
        return "http://" + host + ":" + port() + "/";
    }

    /**
     * Where a crawl of the site should start: the home page under the name its pages link to,
     * {@code index.html}. Starting at {@link #baseUrl()} also works, but then the home page is
     * met twice, as {@code /} and as {@code /index.html}, and appears twice in the graph.
     */
    public String startUrl() {
        return baseUrl() + "index.html";
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The site's files, as paths relative to its root, in INDEX order. */
    public List<String> files() {
        return List.copyOf(files.keySet());
    }

    /** The paths listed in {@code demo-site/INDEX}. */
    static List<String> readIndex() throws IOException {
        try (InputStream in = resource(INDEX)) {
            List<String> paths = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank()) paths.add(line.strip());
            }
            return paths;
        }
    }

    private static Map<String, byte[]> loadFiles() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String path : readIndex()) {
            try (InputStream in = resource(path)) {
                files.put(path, in.readAllBytes());
            }
        }
        return Collections.unmodifiableMap(files);
    }

    private static InputStream resource(String path) throws IOException {
        InputStream in = DemoSite.class.getClassLoader().getResourceAsStream(RESOURCE_ROOT + path);
        if (in == null) throw new IOException("demo site file missing from the classpath: " + RESOURCE_ROOT + path);
        return in;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String file = path.startsWith("/") ? path.substring(1) : path;
            if (file.isEmpty() || file.endsWith("/")) file += "index.html";
            byte[] body = files.get(file);
            int status = body == null ? 404 : 200;
            if (body == null) body = NOT_FOUND;
            exchange.getResponseHeaders().set("Content-Type", body == NOT_FOUND ? contentType(".html") : contentType(file));
            if (head) {
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException | UncheckedIOException e) {
            // The client went away mid-response; nothing to tell it.
        }
    }

    /** The Content-Type for a file name. */
    static String contentType(String file) {
        String name = file.toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1);
        return switch (extension) {
            case "html", "htm" -> "text/html; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "txt" -> "text/plain; charset=utf-8";
            case "png" -> "image/png";
            case "svg" -> "image/svg+xml";
            case "pdf" -> "application/pdf";
            default -> "application/octet-stream";
        };
    }

    /** Stops serving at once and releases the port. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
