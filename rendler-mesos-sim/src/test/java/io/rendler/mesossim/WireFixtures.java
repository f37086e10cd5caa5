package io.rendler.mesossim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The recorded transcripts in {@code testdata/mesos-wire} (see its README for the file
 * convention). Maven runs tests from the module directory, so they sit at
 * {@code ../testdata/mesos-wire}; we also look further up for IDE runs.
 */
final class WireFixtures {

    private WireFixtures() {}

    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("testdata/mesos-wire");
            if (Files.isDirectory(candidate)) return candidate;
        }
        throw new IllegalStateException("testdata/mesos-wire not found above " + Path.of("").toAbsolutePath());
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String relative) {
        return new String(bytes(relative), StandardCharsets.UTF_8);
    }

    /** The shim in src/test/resources that runs fake_executor.py with its paths redirected. */
    static Path fakeExecutorShim() {
        try {
            return Path.of(WireFixtures.class.getResource("/mesossim/run_fake_executor.py").toURI());
        } catch (Exception e) {
            throw new IllegalStateException("run_fake_executor.py missing from the test classpath", e);
        }
    }

    static Path fakeExecutor() {
        return path("fake_executor.py");
    }

    /** The command a replayed LAUNCH runs instead of the recorded {@code python3 /opt/mesos/wire/fake_executor.py}. */
    static String fakeExecutorCommand() {
        return "python3 " + fakeExecutorShim() + " " + fakeExecutor();
    }

    static final String RECORDED_COMMAND = "python3 /opt/mesos/wire/fake_executor.py";

    /** A record shortened for failure messages. */
    static String preview(byte[] record) {
        String text = new String(record, StandardCharsets.UTF_8).replaceAll("[^\\x20-\\x7e]", ".");
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    /** Splits RecordIO bytes into records. */
    static List<byte[]> records(byte[] recordIo) {
        List<byte[]> records = new ArrayList<>();
        int i = 0;
        while (i < recordIo.length) {
            int newline = i;
            while (recordIo[newline] != '\n') newline++;
            int length = Integer.parseInt(new String(recordIo, i, newline - i, StandardCharsets.US_ASCII));
            byte[] record = new byte[length];
            System.arraycopy(recordIo, newline + 1, record, 0, length);
            records.add(record);
            i = newline + 1 + length;
        }
        return records;
    }

    static List<byte[]> bodyRecords(String relativeBody) {
        return records(bytes(relativeBody));
    }

    /** A recorded request, editable, re-serialized with a fresh Content-Length in the recorded header order. */
    record Request(String requestLine, List<String[]> headers, byte[] body) {

        static Request load(String relative) {
            return parse(bytes(relative));
        }

        static Request parse(byte[] raw) {
            int headEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String[] lines = new String(raw, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
            List<String[]> headers = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.add(new String[] {lines[i].substring(0, colon), lines[i].substring(colon + 1).trim()});
            }
            byte[] body = new byte[raw.length - headEnd - 4];
            System.arraycopy(raw, headEnd + 4, body, 0, body.length);
            return new Request(lines[0], headers, body);
        }

        String header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst().orElse(null);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** Applies substitutions to header values and (for JSON) the body text. */
        Request substitute(Substitutions substitutions) {
            List<String[]> newHeaders = new ArrayList<>();
            for (String[] header : headers) newHeaders.add(new String[] {header[0], substitutions.apply(header[1])});
            boolean json = "application/json".equals(header("Content-Type"));
            byte[] newBody = json ? substitutions.apply(bodyText()).getBytes(StandardCharsets.UTF_8) : body;
            return new Request(requestLine, newHeaders, newBody);
        }

        Request withBody(byte[] newBody) {
            return new Request(requestLine, headers, newBody);
        }

        byte[] toBytes(int port) {
            StringBuilder head = new StringBuilder(requestLine).append("\r\n");
            for (String[] header : headers) {
                String value = header[0].equalsIgnoreCase("Content-Length") ? String.valueOf(body.length)
                        : header[0].equalsIgnoreCase("Host") ? "127.0.0.1:" + port : header[1];
                head.append(header[0]).append(": ").append(value).append("\r\n");
            }
            head.append("\r\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(body);
            return out.toByteArray();
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }
}
