package io.rendler.mesossim;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The test's own scheduler-side HTTP client on raw sockets, so tests see exactly the bytes the
 * simulator writes: header order, chunk boundaries, the 0-chunk or its absence. It deliberately
 * shares no code with the project's client.
 */
final class RawClient {

    private RawClient() {}

    /** A whole response; a chunked body is de-chunked. */
    record Response(String statusLine, List<String[]> headers, byte[] body) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        String header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst().orElse(null);
        }

        List<String> headerNames() {
            return headers.stream().map(h -> h[0]).toList();
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** Parses only the head of a recorded response, for streams that never ended. */
        static Response parseHead(byte[] raw) {
            try {
                java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(raw);
                String statusLine = line(in);
                List<String[]> headers = new ArrayList<>();
                for (String line = line(in); !line.isEmpty(); line = line(in)) {
                    int colon = line.indexOf(':');
                    headers.add(new String[] {line.substring(0, colon), line.substring(colon + 1).trim()});
                }
                return new Response(statusLine, headers, new byte[0]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Parses a recorded {@code .response} file. */
        static Response parse(byte[] raw) {
            try {
                return read(new java.io.ByteArrayInputStream(raw));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** One request on a fresh connection, the response read in full, the connection closed. */
    static Response exchange(int port, byte[] request) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return read(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        List<String[]> headers = new ArrayList<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.add(new String[] {line.substring(0, colon), line.substring(colon + 1).trim()});
        }
        Response head = new Response(statusLine, headers, new byte[0]);
        String encoding = head.header("Transfer-Encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in), 16); size > 0; size = Integer.parseInt(line(in), 16)) {
                body.writeBytes(in.readNBytes(size));
                line(in);
            }
            line(in);
            return new Response(statusLine, headers, body.toByteArray());
        }
        String length = head.header("Content-Length");
        byte[] body = length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
        return new Response(statusLine, headers, body);
    }

    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) throw new java.io.EOFException("EOF inside a line");
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /** Opens an event stream: the head is read now, chunks on a background thread. */
    static EventStreamReader openStream(int port, byte[] request) {
        try {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return new EventStreamReader(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A subscriber's view of a stream: every chunk must hold exactly one whole RecordIO record. */
    static final class EventStreamReader implements AutoCloseable {

        enum End { OPEN, ZERO_CHUNK, EOF_WITHOUT_ZERO_CHUNK }

        final String statusLine;
        final List<String[]> headers;
        private final Socket socket;
        private final InputStream in;
        private final List<byte[]> records = new ArrayList<>();
        private volatile End end = End.OPEN;
        private volatile String violation;

        private EventStreamReader(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.statusLine = line(in);
            List<String[]> list = new ArrayList<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                list.add(new String[] {line.substring(0, colon), line.substring(colon + 1).trim()});
            }
            this.headers = list;
            if (statusLine.contains(" 200 ")) {
                Thread reader = new Thread(this::readChunks, "test-stream-reader");
                reader.setDaemon(true);
                reader.start();
            } else {
                end = End.ZERO_CHUNK;
            }
        }

        String header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst().orElse(null);
        }

        List<String> headerNames() {
            return headers.stream().map(h -> h[0]).toList();
        }

        private void readChunks() {
            try {
                while (true) {
                    int size = Integer.parseInt(line(in), 16);
                    if (size == 0) {
                        line(in);
                        end = End.ZERO_CHUNK;
                        return;
                    }
                    byte[] chunk = in.readNBytes(size);
                    line(in);
                    List<byte[]> inChunk = WireFixtures.records(chunk);
                    if (inChunk.size() != 1) violation = "a chunk held " + inChunk.size() + " records";
                    synchronized (records) {
                        records.addAll(inChunk);
                        records.notifyAll();
                    }
                }
            } catch (IOException | RuntimeException e) {
                end = End.EOF_WITHOUT_ZERO_CHUNK;
            } finally {
                synchronized (records) {
                    records.notifyAll();
                }
            }
        }

        List<byte[]> records() {
            synchronized (records) {
                return List.copyOf(records);
            }
        }

        End end() {
            return end;
        }

        String violation() {
            return violation;
        }

        /** The index of the first record at or after {@code from} matching, waiting up to {@code timeout}. */
        int await(Predicate<byte[]> matcher, int from, Duration timeout, String what) {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (records) {
                while (true) {
                    for (int i = from; i < records.size(); i++) {
                        if (matcher.test(records.get(i))) return i;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || end != End.OPEN) {
                        StringBuilder seen = new StringBuilder();
                        for (byte[] record : records) seen.append("\n  ").append(WireFixtures.preview(record));
                        throw new AssertionError("no " + what + " on the stream (end=" + end + ", " + records.size()
                                + " records):" + seen);
                    }
                    try {
                        records.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new AssertionError("interrupted");
                    }
                }
            }
        }

        void awaitEnd(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (records) {
                while (end == End.OPEN && System.nanoTime() < deadline) {
                    try {
                        records.wait(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        /** Drops the connection from the client side. */
        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
