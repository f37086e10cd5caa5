package io.rendler.mesos;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A tiny HTTP/1.1 server on raw sockets for transport tests: it records every request and answers
 * each from a test-supplied route, either with a fixed response or with a chunked RecordIO stream
 * the test feeds record by record, one record per chunk as Mesos does. Not a Mesos simulator:
 * it knows nothing of frameworks, offers or tasks.
 */
final class ScriptedHttpServer implements AutoCloseable {

    /** A request as it arrived; header names are lower-cased. */
    record Request(String method, String path, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    sealed interface Reply permits Fixed, Streamed {}

    /** A complete response with Content-Length. */
    record Fixed(int status, String reason, Map<String, String> headers, byte[] body) implements Reply {
        static Fixed accepted() {
            return new Fixed(202, "Accepted", Map.of(), new byte[0]);
        }

        static Fixed text(int status, String reason, String body) {
            return new Fixed(status, reason, Map.of("Content-Type", "text/plain; charset=utf-8"), body.getBytes(ISO_8859_1));
        }

        static Fixed redirect(String location) {
            return new Fixed(307, "Temporary Redirect", Map.of("Location", location), new byte[0]);
        }
    }

    /** A 200 chunked stream; the test writes into {@code stream}. */
    record Streamed(Map<String, String> headers, EventStream stream) implements Reply {}

    /** The server side of one event stream. Records queue up until the connection takes them. */
    static final class EventStream {
        private static final byte[] END = new byte[0];
        private static final byte[] DROP = new byte[0];
        private final BlockingQueue<byte[]> outbox = new LinkedBlockingQueue<>();

        /** Sends one RecordIO record (framing added here) as one HTTP chunk. */
        EventStream send(byte[] record) {
            outbox.add(record.clone());
            return this;
        }

        /** Ends the stream cleanly with the terminating zero-length chunk, as Mesos does. */
        void end() {
            outbox.add(END);
        }

        /** Closes the socket abruptly, like a crashed master or agent. */
        void drop() {
            outbox.add(DROP);
        }

        private void pump(OutputStream out, Socket socket) throws IOException, InterruptedException {
            while (true) {
                byte[] record = outbox.take();
                if (record == DROP) {
                    socket.close();
                    return;
                }
                if (record == END) {
                    out.write("0\r\n\r\n".getBytes(US_ASCII));
                    out.flush();
                    socket.close();
                    return;
                }
                byte[] framed = RecordIO.frame(record);
                out.write((Integer.toHexString(framed.length) + "\r\n").getBytes(US_ASCII));
                out.write(framed);
                out.write("\r\n".getBytes(US_ASCII));
                out.flush();
            }
        }
    }

    private final ServerSocket server;
    private final Function<Request, Reply> route;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Request> arrivals = new LinkedBlockingQueue<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    ScriptedHttpServer(Function<Request, Reply> route) throws IOException {
        this.route = route;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "scripted-http-accept-" + server.getLocalPort());
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    String hostPort() {
        return "127.0.0.1:" + port();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The next request (in arrival order) that matches, waiting up to {@code timeout}. */
    Request await(Predicate<Request> matching, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Request next = arrivals.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) throw new AssertionError("no matching request within " + timeout + "; saw " + describe(requests));
            if (matching.test(next)) return next;
        }
    }

    private static List<String> describe(List<Request> requests) {
        List<String> lines = new ArrayList<>();
        for (Request request : requests) lines.add(request.method() + " " + request.path() + " " + new String(request.body(), ISO_8859_1));
        return lines;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) socket.close();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                sockets.add(socket);
                Thread connection = new Thread(() -> serve(socket), "scripted-http-conn-" + socket.getPort());
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Serves requests on one keep-alive connection until the client closes it or a stream ends. */
    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                Request request = readRequest(in);
                if (request == null) return;
                requests.add(request);
                arrivals.add(request);
                Reply reply = route.apply(request);
                if (reply instanceof Fixed fixed) {
                    writeFixed(out, fixed);
                } else if (reply instanceof Streamed streamed) {
                    writeHead(out, 200, "OK", streamed.headers(), true, 0);
                    out.flush();
                    streamed.stream().pump(out, socket);
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away or the test closed the server
        }
    }

    private static void writeFixed(OutputStream out, Fixed fixed) throws IOException {
        writeHead(out, fixed.status(), fixed.reason(), fixed.headers(), false, fixed.body().length);
        out.write(fixed.body());
        out.flush();
    }

    private static void writeHead(OutputStream out, int status, String reason, Map<String, String> headers, boolean chunked, int length)
            throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
        head.append("Date: Mon, 23 Nov 2026 07:42:39 GMT\r\n");
        if (chunked) {
            head.append("Transfer-Encoding: chunked\r\n");
        } else {
            head.append("Content-Length: ").append(length).append("\r\n");
        }
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("\r\n");
        out.write(head.toString().getBytes(ISO_8859_1));
    }

    private static Request readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b == -1) return null;
            headBytes.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = headBytes.toString(ISO_8859_1).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : Arrays.copyOfRange(lines, 1, lines.length)) {
            if (line.isEmpty()) continue;
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Request(requestLine[0], requestLine[1], headers, body);
    }
}
