package io.rendler.scheduler.mesos;

import io.rendler.scheduler.http.RequestHead;
import io.rendler.scheduler.http.SmallHttpServer;
import io.rendler.scheduler.http.SmallHttpServer.Exchange;
import io.rendler.scheduler.run.SetupException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * The scheduler's own small HTTP server, for the two things that must cross machines without a
 * shared file system:
 * <ul>
 *   <li>{@code GET /executors/<jar>}: the executor jars, which the Mesos fetcher downloads into each
 *       sandbox from {@code CommandInfo.uris}; agents then need nothing but Java (and Chromium).</li>
 *   <li>{@code PUT /screenshots/<token>/<name>.png}: render executors upload each screenshot
 *       here, straight into the output directory. The random token keeps strangers on the network
 *       from writing into it; {@link ScreenshotInbox} takes only the PNGs the scheduler asked for.</li>
 * </ul>
 * Framework messages stay small (Mesos treats them as best effort), so bulk bytes go this way.
 *
 * <p>It runs on {@link SmallHttpServer} (one thread a connection, a deadline on each): the request
 * head must arrive within {@link Limits#headTimeout}, an upload's body within
 * {@link Limits#bodyTimeout}, and a download must make progress every {@link Limits#stallTimeout}.
 */
public final class FileServer implements AutoCloseable {

    private static final String JARS = "/executors/";
    private static final String ALLOW = "Allow: GET, HEAD, PUT\r\n";

    /**
     * @param headTimeout             the request line and headers must arrive within this
     * @param bodyTimeout             an upload's body must arrive within this after its head
     * @param stallTimeout            a download that makes no progress for this long is cut off
     * @param maxConnections          connections served at once; more are answered 503
     * @param maxConnectionsPerClient of those, from one address
     * @param screenshotBudget        the most screenshot bytes the run accepts
     */
    public record Limits(Duration headTimeout, Duration bodyTimeout, Duration stallTimeout,
                         int maxConnections, int maxConnectionsPerClient, long screenshotBudget) {

        /**
         * Slow agents still fit: a 4 MB screenshot in a minute needs 70 kB/s, and a jar only has
         * to keep moving. Dozens of agents fetch and upload at once well within 256 connections.
         */
        public static Limits defaults(long screenshotBudget) {
            return new Limits(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30), 256, 64, screenshotBudget);
        }
    }

    private final Limits limits;
    private final Map<String, Path> jars;
    private final ScreenshotInbox inbox;
    private final byte[] token;
    private final String advertisedBase;
    private final SmallHttpServer server;

    /**
     * @param bindAddress    where to listen: the advertised address unless the user says otherwise
     * @param advertisedHost the host name or address agents use to reach this machine
     * @param jars           file name → jar path, served under /executors/
     * @param screenshotDir  where uploaded screenshots land
     */
    public FileServer(String bindAddress, String advertisedHost, Map<String, Path> jars, Path screenshotDir, Limits limits) {
        this(bindAddress, advertisedHost, jars, screenshotDir, limits, 0, newToken());
    }

    /**
     * A file server on {@code port} (0 for any free one) that takes uploads with {@code token}: a
     * resumed scheduler serves where its executors and their running tasks expect it.
     */
    public FileServer(String bindAddress, String advertisedHost, Map<String, Path> jars, Path screenshotDir, Limits limits,
            int port, String token) {
        this.limits = limits;
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        this.jars = Map.copyOf(jars);
        this.inbox = new ScreenshotInbox(screenshotDir, limits.screenshotBudget());
        ServerSocket listener;
        try {
            listener = new ServerSocket();
            listener.setReuseAddress(true); // a resumed scheduler takes its predecessor's port back at once
            listener.bind(new InetSocketAddress(bindAddress, port), 128);
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            throw new SetupException("cannot start the file server for executors on " + bindAddress + ": " + e.getMessage()
                    + "; pass --file-server-bind with an address of this machine", e);
        }
        advertisedBase = "http://" + advertisedHost + ":" + listener.getLocalPort();
        server = new SmallHttpServer("file-server", listener, new SmallHttpServer.Limits(limits.headTimeout(),
                limits.stallTimeout(), limits.maxConnections(), limits.maxConnectionsPerClient()), this::serve);
    }

    /** The URL a Mesos fetcher downloads {@code jarName} from. */
    public String jarUrl(String jarName) {
        return advertisedBase + JARS + jarName;
    }

    /**
     * The URL a render executor PUTs the screenshot {@code name} to. From now on one PNG of
     * {@code width} x {@code height} under that name is welcome, once.
     */
    public String uploadUrl(String name, int width, int minHeight, int maxHeight) {
        inbox.expect(name, width, minHeight, maxHeight);
        return advertisedBase + "/screenshots/" + new String(token, StandardCharsets.US_ASCII) + "/" + name;
    }

    /** A new random upload token. */
    public static String newToken() {
        return HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    }

    /** The token uploads must carry, for a resumed scheduler to serve with again. */
    public String token() {
        return new String(token, StandardCharsets.US_ASCII);
    }

    /** Where the server listens, for tests and logs. */
    public InetSocketAddress address() {
        return server.address();
    }

    private void serve(Exchange exchange) throws IOException, RequestHead.Malformed {
        RequestHead head = exchange.head();
        switch (head.method()) {
            case "GET", "HEAD" -> serveJar(exchange, head, exchange.out());
            case "PUT" -> receiveScreenshot(exchange, head, exchange.in(), exchange.out());
            default -> exchange.refuse(405, "use GET, HEAD or PUT", ALLOW);
        }
    }

    private void serveJar(Exchange connection, RequestHead head, OutputStream out) throws IOException {
        Path jar = head.path().startsWith(JARS) ? jars.get(head.path().substring(JARS.length())) : null;
        boolean withBody = head.method().equals("GET");
        if (jar == null || !Files.isRegularFile(jar)) {
            respond(out, 404, withBody ? "no such file: " + head.path() : "");
            return;
        }
        connection.allow(limits.stallTimeout());
        writeHead(out, 200, "application/java-archive", Files.size(jar));
        if (withBody) {
            try (InputStream file = Files.newInputStream(jar)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n = file.read(buffer); n != -1; n = file.read(buffer)) {
                    connection.allow(limits.stallTimeout());
                    out.write(buffer, 0, n);
                }
            }
        }
        out.flush();
    }

    private void receiveScreenshot(Exchange connection, RequestHead head, InputStream in, OutputStream out)
            throws IOException, RequestHead.Malformed {
        String[] parts = head.path().split("/", -1); // "", "screenshots", token, name
        if (parts.length != 4 || !parts[1].equals("screenshots")) {
            connection.refuse(404, "no such upload path: " + head.path(), "");
        } else if (!MessageDigest.isEqual(parts[2].getBytes(StandardCharsets.US_ASCII), token)) {
            connection.refuse(403, "wrong upload token", "");
        } else {
            try (ScreenshotInbox.Upload upload = inbox.open(parts[3], head.contentLength())) {
                if (head.expectsContinue()) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                connection.allow(limits.bodyTimeout());
                upload.receive(in);
                upload.commit();
                respond(out, 201, "stored " + parts[3]);
            } catch (ScreenshotInbox.Refused e) {
                connection.refuse(e.status(), e.getMessage(), "");
            }
        }
    }

    private static void respond(OutputStream out, int status, String text) throws IOException {
        SmallHttpServer.respond(out, status, text, "");
    }

    private static void writeHead(OutputStream out, int status, String contentType, long length) throws IOException {
        SmallHttpServer.writeHead(out, status, contentType, length, "");
    }

    @Override
    public void close() {
        // Waits for cut-off uploads to delete their temporary files before the outputs are written.
        server.close();
    }
}
