package io.rendler.mesos;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The recorded Mesos wire transcripts in {@code testdata/mesos-wire} (see its README). Maven runs
 * tests with the module directory as the working directory, so the fixtures sit one level up.
 */
final class WireFixtures {

    static final Path ROOT = Path.of("..", "testdata", "mesos-wire").toAbsolutePath().normalize();

    private WireFixtures() {}

    static Path root() {
        if (!Files.isDirectory(ROOT)) {
            throw new IllegalStateException("wire fixtures not found at " + ROOT + " (run the tests from the module directory)");
        }
        return ROOT;
    }

    static Path file(String relative) {
        Path path = root().resolve(relative);
        if (!Files.isRegularFile(path)) throw new IllegalStateException("missing fixture " + path);
        return path;
    }

    static byte[] bytes(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every recorded HTTP exchange, in path order. */
    static List<Exchange> exchanges() {
        try (Stream<Path> files = Files.walk(root())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".meta.json"))
                    .sorted()
                    .map(p -> new Exchange(p.getParent(), p.getFileName().toString().replace(".meta.json", "")))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Exchange exchange(String relativeStem) {
        Path stem = root().resolve(relativeStem);
        Exchange exchange = new Exchange(stem.getParent(), stem.getFileName().toString());
        exchange.meta(); // fail fast on a wrong name
        return exchange;
    }

    /** The recorded RecordIO prefixes ({@code *.recordio}) that end on a record boundary. */
    static List<Path> recordioPrefixes() {
        try (Stream<Path> files = Files.walk(root())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".recordio")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One recorded exchange: {@code <stem>.request}, {@code .response}, {@code .body}, {@code .meta.json}. */
    record Exchange(Path dir, String stem) {

        /** e.g. {@code scheduler-json/14-accept-launch-task-1-custom-executor} */
        String name() {
            return root().relativize(dir.resolve(stem)).toString();
        }

        JsonObject meta() {
            return JsonParser.parseString(new String(bytes(dir.resolve(stem + ".meta.json")), java.nio.charset.StandardCharsets.UTF_8))
                    .getAsJsonObject();
        }

        RawRequest request() {
            return RawRequest.parse(bytes(dir.resolve(stem + ".request")));
        }

        /** The response body, de-chunked: for a stream, the raw RecordIO. */
        byte[] responseBody() {
            return bytes(dir.resolve(stem + ".body"));
        }

        int status() {
            return Integer.parseInt(meta().get("status_line").getAsString().split(" ")[1]);
        }

        /** A stream is a 200 answer to SUBSCRIBE, with its events listed in the meta file. */
        boolean isStream() {
            return meta().has("records") && status() == 200;
        }

        /** The event types the recorder decoded from the stream, in order. */
        List<String> recordedEventTypes() {
            List<String> types = new ArrayList<>();
            for (JsonElement record : meta().getAsJsonArray("records")) {
                types.add(record.getAsJsonObject().getAsJsonObject("event").get("type").getAsString());
            }
            return types;
        }

        String responseHeader(String name) {
            for (JsonElement header : meta().getAsJsonArray("response_headers")) {
                var pair = header.getAsJsonArray();
                if (pair.get(0).getAsString().equalsIgnoreCase(name)) return pair.get(1).getAsString();
            }
            return null;
        }

        boolean isExecutorApi() {
            return request().path().equals("/api/v1/executor");
        }

        @Override
        public String toString() {
            return name();
        }
    }

    /** A recorded request, split into request line, headers (lower-cased names) and body. */
    record RawRequest(String method, String path, Map<String, String> headers, byte[] body) {

        static RawRequest parse(byte[] raw) {
            String text = new String(raw, ISO_8859_1);
            int split = text.indexOf("\r\n\r\n");
            if (split < 0) throw new IllegalArgumentException("no end of headers");
            String[] lines = text.substring(0, split).split("\r\n");
            String[] requestLine = lines[0].split(" ");
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : Arrays.copyOfRange(lines, 1, lines.length)) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            byte[] body = Arrays.copyOfRange(raw, split + 4, raw.length);
            return new RawRequest(requestLine[0], requestLine[1], headers, body);
        }

        String contentType() {
            return headers.get("content-type");
        }
    }
}
