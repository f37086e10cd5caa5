package io.rendler.scheduler.http;

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
import java.time.Duration;
import java.util.HashMap;
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
 * The hardened core of the scheduler's small HTTP servers (the executors' {@code FileServer} and
 * the live view): an accept loop on a plain ServerSocket, one thread a connection and one request
 * a connection, and a deadline on every connection.
 *
 * <p>Why not the JDK's HttpServer: its only read timeouts are the {@code sun.net.httpserver.*}
 * system properties, read once per JVM when the class loads, so they would apply to every
 * HttpServer in the process or to none. Here the request head must arrive within
 * {@link Limits#headTimeout}; after that the handler sets the connection's next deadline with
 * {@link Exchange#allow} before each step (a body to read, a block to write). A reaper closes any
 * connection past its deadline, which wakes its blocked thread, and the connection caps keep one
 * client from taking every thread: connections over them are answered 503.
 */
public final class SmallHttpServer implements AutoCloseable {

    private static final int MAX_LINGER_BYTES = 16 * 1024 * 1024;

    /**
     * @param headTimeout             the request line and headers must arrive within this
     * @param stallTimeout            the shortest deadline a handler uses, for the reaper's tick
     * @param maxConnections          connections served at once; more are answered 503
     * @param maxConnectionsPerClient of those, from one address
     */
    public record Limits(Duration headTimeout, Duration stallTimeout, int maxConnections, int maxConnectionsPerClient) {}

    /** Answers one request. Throwing {@link RequestHead.Malformed} answers 400 with its message. */
    @FunctionalInterface
    public interface Handler {
        void handle(Exchange exchange) throws IOException, RequestHead.Malformed;
    }

    private final String name;
    private final Limits limits;
    private final Handler handler;
    private final ServerSocket listener;
    private final ExecutorService workers;
    private final ScheduledExecutorService reaper;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final Map<InetAddress, Integer> perClient = new HashMap<>(); // guarded by itself
    private volatile boolean closed;

    /**
     * Serves on {@code listener}, already bound, from now on.
     *
     * @param name names the threads, e.g. {@code file-server}
     */
    public SmallHttpServer(String name, ServerSocket listener, Limits limits, Handler handler) {
        this.name = name;
        this.listener = listener;
        this.limits = limits;
        this.handler = handler;
        workers = Executors.newCachedThreadPool(daemon(name));
        reaper = Executors.newSingleThreadScheduledExecutor(daemon(name + "-reaper"));
        long tick = Math.max(5, Math.min(500, Math.min(limits.headTimeout().toMillis(), limits.stallTimeout().toMillis()) / 10));
        reaper.scheduleWithFixedDelay(this::cutOffOverdue, tick, tick, TimeUnit.MILLISECONDS);
        Thread acceptor = new Thread(this::acceptLoop, name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Where the server listens. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Connections open now, for tests. */
    public int openConnections() {
        return open.size();
    }

    /** One request and the connection it came on. */
    public static final class Exchange {
        private final Connection connection;
        private final RequestHead head;
        private final InputStream in;
        private final OutputStream out;
        private final Duration headTimeout;

        private Exchange(Connection connection, RequestHead head, InputStream in, OutputStream out, Duration headTimeout) {
            this.connection = connection;
            this.head = head;
            this.in = in;
            this.out = out;
            this.headTimeout = headTimeout;
        }

        public RequestHead head() {
            return head;
        }

        public InputStream in() {
            return in;
        }

        public OutputStream out() {
            return out;
        }

        /** The client's address. */
        public InetAddress client() {
            return connection.socket.getInetAddress();
        }

        /** The connection is cut off unless its next step completes within {@code time} from now. */
        public void allow(Duration time) {
            connection.allow(time);
        }

        /** Closes the connection now, from any thread; a thread blocked writing to it gets an IOException. */
        public void cutOff() {
            connection.cutOff();
        }

        /** Answers {@code status} with a one-line plain text body (none for a HEAD request). */
        public void respond(int status, String text) throws IOException {
            SmallHttpServer.respond(out, status, head.method().equals("HEAD") ? "" : text, "");
        }

        /** Answers {@code status}, then drains what the client still sends; see {@link SmallHttpServer#refuse}. */
        public void refuse(int status, String reason, String extraHeaders) throws IOException {
            SmallHttpServer.refuse(connection, in, out, status, reason, extraHeaders, headTimeout);
        }
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
                handler.handle(new Exchange(connection, RequestHead.read(in), in, out, limits.headTimeout()));
            } catch (RequestHead.Malformed e) {
                refuse(connection, in, out, 400, e.getMessage(), "", limits.headTimeout());
            }
        } catch (IOException e) {
            // The client went away, or was cut off at its deadline: there is no one to answer.
        } catch (RuntimeException e) {
            // A handler's bug must not take the server down; the client sees its connection close.
        } finally {
            release(connection);
        }
    }

    /**
     * Answers, then reads and drops what the client is still sending before closing: closing with
     * unread bytes makes the kernel reset the connection, and the client may never see the answer.
     */
    private static void refuse(Connection connection, InputStream in, OutputStream out, int status, String reason,
            String extraHeaders, Duration lingerTimeout) throws IOException {
        respond(out, status, reason, extraHeaders);
        connection.socket.shutdownOutput();
        connection.allow(lingerTimeout);
        byte[] drain = new byte[8 * 1024];
        for (long left = MAX_LINGER_BYTES; left > 0; ) {
            int n = in.read(drain);
            if (n == -1) return;
            left -= n;
        }
    }

    /** Writes a whole answer with a one-line plain text body, or no body when {@code text} is empty. */
    public static void respond(OutputStream out, int status, String text, String extraHeaders) throws IOException {
        byte[] body = text.isEmpty() ? new byte[0] : (text + "\n").getBytes(StandardCharsets.UTF_8);
        writeHead(out, status, "text/plain; charset=utf-8", body.length, extraHeaders);
        out.write(body);
        out.flush();
    }

    /**
     * Writes the status line and headers of a {@code Connection: close} answer.
     *
     * @param length        the body's length, or -1 for a body that lasts until the connection closes
     * @param extraHeaders  more header lines, each ending in CRLF, or ""
     */
    public static void writeHead(OutputStream out, int status, String contentType, long length, String extraHeaders)
            throws IOException {
        String head = "HTTP/1.1 " + status + " " + reasonPhrase(status) + "\r\n"
                + extraHeaders
                + "Content-Type: " + contentType + "\r\n"
                + (length >= 0 ? "Content-Length: " + length + "\r\n" : "")
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
    }

    static String reasonPhrase(int status) {
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
            case 421 -> "Misdirected Request";
            case 503 -> "Service Unavailable";
            case 507 -> "Insufficient Storage";
            default -> "Status " + status;
        };
    }

    /**
     * Stops accepting, cuts off every open connection, and waits up to {@code wait} for their
     * handlers to finish (an upload cut off deletes its temporary file).
     */
    public void close(Duration wait) {
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
            workers.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
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

    @Override
    public String toString() {
        return name + " on " + address();
    }
}
