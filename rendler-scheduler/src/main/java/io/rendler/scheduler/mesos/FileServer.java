package io.rendler.scheduler.mesos;

import io.rendler.scheduler.run.SetupException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

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
 * <p>It is built on a plain ServerSocket, one thread a connection and one request a connection,
 * because the JDK's HttpServer could not be made safe here: its only read timeouts are the
 * {@code sun.net.httpserver.*} system properties, read once per JVM when the class loads, so they
 * would apply to every HttpServer in the process or to none. Here every connection has a
 * deadline: the request head must arrive within {@link Limits#headTimeout}, an upload's body
 * within {@link Limits#bodyTimeout}, and a download must make progress every
 * {@link Limits#stallTimeout}. A reaper closes any connection past its deadline, and the
 * connection caps keep one client from taking every thread.
 */
public final class FileServer implements AutoCloseable {

    private static final String JARS = "/executors/";
    private static final int MAX_LINGER_BYTES = 16 * 1024 * 1024;

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
    private final ServerSocket listener;
    private final String advertisedBase;
    private final ExecutorService workers = Executors.newCachedThreadPool(daemon("file-server"));
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(daemon("file-server-reaper"));
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final Map<InetAddress, Integer> perClient = new HashMap<>(); // guarded by itself
    private volatile boolean closed;

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
        try {
            listener = new ServerSocket();
            listener.setReuseAddress(true); // a resumed scheduler takes its predecessor's port back at once
            listener.bind(new InetSocketAddress(bindAddress, port), 128);
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            throw new SetupException("cannot start the file server for executors on " + bindAddress + ": " + e.getMessage()
                    + "; pass --file-server-bind with an address of this machine", e);
        }
        advertisedBase = "http://" + advertisedHost + ":" + listener.getLocalPort();
        long tick = Math.max(5, Math.min(500, Math.min(limits.headTimeout().toMillis(), limits.stallTimeout().toMillis()) / 10));
        reaper.scheduleWithFixedDelay(this::cutOffOverdue, tick, tick, TimeUnit.MILLISECONDS);
        Thread acceptor = new Thread(this::acceptLoop, "file-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The URL a Mesos fetcher downloads {@code jarName} from. */
    public String jarUrl(String jarName) {
        return advertisedBase + JARS + jarName;
    }

    /**
     * The URL a render executor PUTs the screenshot {@code name} to. From now on one PNG of
     * {@code width} x {@code height} under that name is welcome, once.
     */
    public String uploadUrl(String name, int width, int height) {
        inbox.expect(name, width, height);
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
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                continue; // closed, or a connection reset before we took it
            }
            Connection connection = admit(socket);
            if (connection == null) {
                turnAway(socket);
                continue;
            }
            try {
                workers.execute(() -> serve(connection));
            } catch (RejectedExecutionException e) {
                connection.cutOff(); // we are closing
            }
        }
    }

    private Connection admit(Socket socket) {
        InetAddress client = socket.getInetAddress();
        synchronized (perClient) {
            int fromClient = perClient.getOrDefault(client, 0);
            if (open.size() >= limits.maxConnections() || fromClient >= limits.maxConnectionsPerClient()) return null;
            perClient.put(client, fromClient + 1);
            Connection connection = new Connection(socket, System.nanoTime() + limits.headTimeout().toNanos());
            open.add(connection);
            return connection;
        }
    }

    private void release(Connection connection) {
        synchronized (perClient) {
            open.remove(connection);
            perClient.computeIfPresent(connection.socket.getInetAddress(), (client, count) -> count == 1 ? null : count - 1);
        }
    }

    /**
     * Answers 503 from the accepting thread: a few bytes into a fresh socket's buffer never block.
     * The socket closes a second later, not at once, because closing over a request we did not
     * read resets the connection, and the client might lose the answer.
     */
    private void turnAway(Socket socket) {
        try {
            socket.getOutputStream().write(("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            reaper.schedule(() -> closeQuietly(socket), 1, TimeUnit.SECONDS);
        } catch (IOException | RejectedExecutionException e) {
            closeQuietly(socket);
        }
    }

    private void cutOffOverdue() {
        long now = System.nanoTime();
        for (Connection connection : open) {
            if (now - connection.deadline > 0) connection.cutOff();
        }
    }

    private void serve(Connection connection) {
        try (Socket socket = connection.socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            try {
                RequestHead head = RequestHead.read(in);
                switch (head.method()) {
                    case "GET", "HEAD" -> serveJar(connection, head, out);
                    case "PUT" -> receiveScreenshot(connection, head, in, out);
                    default -> refuse(connection, in, out, 405, "use GET, HEAD or PUT");
                }
            } catch (RequestHead.Malformed e) {
                refuse(connection, in, out, 400, e.getMessage());
            }
        } catch (IOException e) {
            // The client went away, or was cut off at its deadline: there is no one to answer.
        } finally {
            release(connection);
        }
    }

    private void serveJar(Connection connection, RequestHead head, OutputStream out) throws IOException {
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

    private void receiveScreenshot(Connection connection, RequestHead head, InputStream in, OutputStream out)
            throws IOException, RequestHead.Malformed {
        String[] parts = head.path().split("/", -1); // "", "screenshots", token, name
        if (parts.length != 4 || !parts[1].equals("screenshots")) {
            refuse(connection, in, out, 404, "no such upload path: " + head.path());
        } else if (!MessageDigest.isEqual(parts[2].getBytes(StandardCharsets.US_ASCII), token)) {
            refuse(connection, in, out, 403, "wrong upload token");
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
                refuse(connection, in, out, e.status(), e.getMessage());
            }
        }
    }

    /**
     * Answers, then reads and drops what the client is still sending before closing: closing with
     * unread bytes makes the kernel reset the connection, and the client may never see the answer.
     */
    private void refuse(Connection connection, InputStream in, OutputStream out, int status, String reason) throws IOException {
        respond(out, status, reason);
        connection.socket.shutdownOutput();
        connection.allow(limits.headTimeout());
        byte[] drain = new byte[8 * 1024];
        for (long left = MAX_LINGER_BYTES; left > 0; ) {
            int n = in.read(drain);
            if (n == -1) return;
            left -= n;
        }
    }

    private static void respond(OutputStream out, int status, String text) throws IOException {
        byte[] body = text.isEmpty() ? new byte[0] : (text + "\n").getBytes(StandardCharsets.UTF_8);
        writeHead(out, status, "text/plain; charset=utf-8", body.length);
        out.write(body);
        out.flush();
    }

    private static void writeHead(OutputStream out, int status, String contentType, long length) throws IOException {
        String head = "HTTP/1.1 " + status + " " + reasonPhrase(status) + "\r\n"
                + (status == 405 ? "Allow: GET, HEAD, PUT\r\n" : "")
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Length: " + length + "\r\n"
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
    }

    private static String reasonPhrase(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 507 -> "Insufficient Storage";
            default -> "Status " + status;
        };
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        reaper.shutdownNow();
        workers.shutdown();
        open.forEach(Connection::cutOff);
        try {
            // Let the cut-off uploads delete their temporary files before the outputs are written.
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** One client socket and the moment by which it must next make progress. */
    private static final class Connection {
        final Socket socket;
        volatile long deadline;

        Connection(Socket socket, long deadline) {
            this.socket = socket;
            this.deadline = deadline;
        }

        void allow(Duration time) {
            deadline = System.nanoTime() + time.toNanos();
        }

        /** Closing the socket wakes the thread blocked reading or writing it with an IOException. */
        void cutOff() {
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closed already.
        }
    }
}
