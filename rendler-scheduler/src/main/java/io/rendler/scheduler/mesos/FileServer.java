package io.rendler.scheduler.mesos;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rendler.scheduler.run.SetupException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The scheduler's own small HTTP server, for the two things that must cross machines without a
 * shared file system:
 * <ul>
 *   <li>{@code GET /executors/<jar>}: the executor jars, which the Mesos fetcher downloads into each
 *       sandbox from {@code CommandInfo.uris}; agents then need nothing but Java (and Chromium).</li>
 *   <li>{@code PUT /screenshots/<token>/<name>.png}: render executors upload each screenshot
 *       here, straight into the output directory. The random token keeps strangers on the network
 *       from writing into it.</li>
 * </ul>
 * Framework messages stay small (Mesos treats them as best effort), so bulk bytes go this way.
 */
public final class FileServer implements AutoCloseable {

    private static final Pattern SCREENSHOT_NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}\\.png");
    private static final long MAX_UPLOAD_BYTES = 64L * 1024 * 1024;

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "file-server");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Path> jars;
    private final Path screenshotDir;
    private final String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    private final String advertisedBase;

    /**
     * @param bindAddress    where to listen, usually 0.0.0.0
     * @param advertisedHost the host name or address agents use to reach this machine
     * @param jars           file name → jar path, served under /executors/
     * @param screenshotDir  where uploaded screenshots land
     */
    public FileServer(String bindAddress, String advertisedHost, Map<String, Path> jars, Path screenshotDir) {
        this.jars = Map.copyOf(jars);
        this.screenshotDir = screenshotDir;
        try {
            server = HttpServer.create(new InetSocketAddress(bindAddress, 0), 64);
        } catch (IOException e) {
            throw new SetupException("cannot start the file server for executors on " + bindAddress + ": " + e.getMessage(), e);
        }
        server.setExecutor(threads);
        server.createContext("/executors/", this::serveJar);
        server.createContext("/screenshots/", this::receiveScreenshot);
        server.start();
        advertisedBase = "http://" + advertisedHost + ":" + server.getAddress().getPort();
    }

    /** The URL a Mesos fetcher downloads {@code jarName} from. */
    public String jarUrl(String jarName) {
        return advertisedBase + "/executors/" + jarName;
    }

    /** The URL a render executor PUTs the screenshot {@code name} to. */
    public String uploadUrl(String name) {
        return advertisedBase + "/screenshots/" + token + "/" + name;
    }

    private void serveJar(HttpExchange exchange) throws IOException {
        try (exchange) {
            String name = exchange.getRequestURI().getPath().substring("/executors/".length());
            Path jar = jars.get(name);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            if (!exchange.getRequestMethod().equals("GET") && !head) {
                reply(exchange, 405, "use GET");
            } else if (jar == null || !Files.isRegularFile(jar)) {
                reply(exchange, 404, "no such executor jar: " + name);
            } else {
                exchange.getResponseHeaders().set("Content-Type", "application/java-archive");
                long size = Files.size(jar);
                exchange.sendResponseHeaders(200, head ? -1 : size);
                if (!head) {
                    try (OutputStream body = exchange.getResponseBody()) {
                        Files.copy(jar, body);
                    }
                }
            }
        }
    }

    private void receiveScreenshot(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] parts = exchange.getRequestURI().getPath().split("/");
            // "", "screenshots", token, name
            if (!exchange.getRequestMethod().equals("PUT")) {
                reply(exchange, 405, "use PUT");
            } else if (parts.length != 4 || !parts[2].equals(token)) {
                reply(exchange, 403, "wrong upload token");
            } else if (!SCREENSHOT_NAME.matcher(parts[3]).matches()) {
                reply(exchange, 400, "bad screenshot name");
            } else {
                store(exchange, parts[3]);
            }
        }
    }

    private void store(HttpExchange exchange, String name) throws IOException {
        Path temp = Files.createTempFile(screenshotDir, ".upload-", ".part");
        try (InputStream body = exchange.getRequestBody(); OutputStream file = Files.newOutputStream(temp)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = body.read(buffer)) != -1; ) {
                total += n;
                if (total > MAX_UPLOAD_BYTES) {
                    file.close();
                    Files.deleteIfExists(temp);
                    reply(exchange, 413, "screenshot larger than " + MAX_UPLOAD_BYTES + " bytes");
                    return;
                }
                file.write(buffer, 0, n);
            }
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        Files.move(temp, screenshotDir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        exchange.sendResponseHeaders(201, -1);
    }

    private static void reply(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
