package io.rendler.common;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.rendler.common.Boundary;
import io.rendler.common.MessageCodec.MalformedMessageException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The codec against hostile bytes, as RecordIOTest does the framing: valid encodings cut at every
 * position, with bytes flipped, fields removed, nulled or swapped for values of every other type,
 * and random JSON from a seeded Random. Whatever arrives, the decoders return a valid message or
 * throw {@link MalformedMessageException}; never anything else.
 */
class MessageCodecFuzzTest {

    private static final long SEED = 0x5EED_12L;

    /** One valid message of every shape that travels. */
    static Stream<Sample> samples() {
        PageLimits limits = PageLimits.defaults();
        List<String> links = new ArrayList<>();
        for (int i = 0; i < 20; i++) links.add("http://127.0.0.1:8080/page/" + i + ".html");
        return Stream.of(
                Sample.result("crawl ok", ResultMessage.of(new CrawlResult("crawl-3-1", "http://127.0.0.1:8080/", "http://127.0.0.1:8080/index.html",
                        200, "text/html", true, links, false, null, 41))),
                Sample.result("crawl 404", ResultMessage.of(new CrawlResult("crawl-4-2", "http://127.0.0.1:8080/gone", "http://127.0.0.1:8080/gone",
                        404, "text/html", true, List.of(), false, "HTTP 404 \"Not Found\" ü", 7))),
                Sample.result("render ok", ResultMessage.of(new RenderResult("render-3-1", "http://127.0.0.1:8080/", "127.0.0.1_8080-3ccac29a6117.png",
                        1280, 800, 52_113, null, 388))),
                Sample.result("render failed", ResultMessage.of(RenderResult.failure("render-5-3", "http://127.0.0.1:8080/x", "render timed out", 15_000))),
                Sample.request("crawl request", TaskRequest.crawl("crawl-0-1", "http://127.0.0.1:8080/", limits, Boundary.unrestricted())),
                Sample.request("render request", TaskRequest.render("render-0-1", "http://127.0.0.1:8080/", limits,
                        "127.0.0.1_8080-3ccac29a6117.png", "http://10.0.0.5:41000/screenshots/127.0.0.1_8080-3ccac29a6117.png?token=abc", Boundary.unrestricted())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void validEncodingsDecodeToTheSameMessage(Sample sample) {
        assertEquals(sample.value(), sample.decoder().apply(sample.bytes()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyTruncationDecodesOrIsMalformed(Sample sample) {
        byte[] bytes = sample.bytes();
        int malformed = 0;
        for (int length = 0; length < bytes.length; length++) {
            if (!survives(Arrays.copyOf(bytes, length))) malformed++;
        }
        // Every cut before the last byte loses the closing brace: none of them can be a message.
        assertEquals(bytes.length, malformed, "every proper prefix is malformed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void flippedInsertedAndDeletedBytesDecodeOrAreMalformed(Sample sample) {
        Random random = new Random(SEED ^ sample.name().hashCode());
        byte[] original = sample.bytes();
        int malformed = 0;
        for (int round = 0; round < 3000; round++) {
            byte[] bytes = original.clone();
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--) bytes = mutate(bytes, random);
            if (!survives(bytes)) malformed++;
        }
        assertTrue(malformed > 0, "random edits break some messages");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyFieldMissingNullOrOfAnotherTypeDecodesOrIsMalformed(Sample sample) {
        JsonObject tree = JsonParser.parseString(new String(sample.bytes(), UTF_8)).getAsJsonObject();
        List<List<String>> paths = new ArrayList<>();
        collectPaths(tree, new ArrayList<>(), paths);
        int malformed = 0;
        for (List<String> path : paths) {
            JsonObject removed = tree.deepCopy();
            parentOf(removed, path).remove(last(path));
            if (!survives(removed.toString().getBytes(UTF_8))) malformed++;
            for (JsonElement hostile : hostileValues()) {
                JsonObject swapped = tree.deepCopy();
                parentOf(swapped, path).add(last(path), hostile.deepCopy());
                if (!survives(swapped.toString().getBytes(UTF_8))) malformed++;
            }
        }
        assertTrue(malformed >= paths.size(), "most swaps are refused: " + malformed + " of " + paths.size() * (hostileValues().size() + 1));
    }

    @Test
    void randomJsonShapesDecodeOrAreMalformed() {
        Random random = new Random(SEED);
        for (int round = 0; round < 5_000; round++) {
            survives(randomJson(random, 0).toString().getBytes(UTF_8));
        }
    }

    @Test
    void deepNestingIsMalformedNotAStackOverflow() {
        String arrays = "[".repeat(100_000);
        assertMalformed(arrays.getBytes(UTF_8));
        assertMalformed("{\"a\":".repeat(100_000).getBytes(UTF_8));
        assertMalformed(("{\"kind\":\"CRAWL\",\"junk\":" + arrays).getBytes(UTF_8));
        assertMalformed(("{\"kind\":\"CRAWL\",\"crawl\":{\"links\":" + arrays).getBytes(UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"kind\":\"CRAWL\"}",
            "{\"kind\":\"RENDER\"}",
            "{\"kind\":\"DELETE\",\"crawl\":{}}",
            "{\"kind\":\"RENDER\",\"crawl\":{\"task_id\":\"crawl-1-1\",\"url\":\"http://a/\",\"final_url\":\"http://a/\"}}",
            "{\"kind\":\"CRAWL\",\"crawl\":{}}",
            "{\"kind\":\"CRAWL\",\"crawl\":{\"task_id\":\"crawl-1-1\",\"url\":\"http://a/\",\"final_url\":\"http://a/\",\"links\":[null]}}",
            "{\"kind\":\"CRAWL\",\"crawl\":{\"task_id\":\"crawl-1-1\",\"url\":\"http://a/\",\"final_url\":\"http://a/\",\"http_status\":-1}}",
            "{\"kind\":\"CRAWL\",\"crawl\":{\"task_id\":\"crawl-1-1\",\"url\":\"http://a/\",\"final_url\":\"http://a/\",\"http_status\":1e400}}",
            "{\"kind\":\"CRAWL\",\"crawl\":{\"task_id\":\"crawl-1-1\",\"url\":\"http://a/\",\"final_url\":\"http://a/\",\"elapsed_millis\":99999999999999999999999}}",
            "{\"kind\":\"CRAWL\",\"crawl\":{\"task_id\":\" \",\"url\":\"http://a/\",\"final_url\":\"http://a/\"}}",
            "{\"kind\":\"RENDER\",\"render\":{\"task_id\":\"render-1-1\",\"url\":\"http://a/\",\"width\":-5}}",
            "{\"kind\":\"RENDER\",\"render\":{\"task_id\":\"render-1-1\",\"url\":\"http://a/\"}} trailing",
            "{'kind':'RENDER','render':{'task_id':'render-1-1','url':'http://a/'}}",
            "{kind:RENDER}",
            "{\"kind\":\"CRAWL\",\"crawl\":{\"task_id\":\"crawl-1-1\"}}/* comment */",
            "{\"kind\":\"CRAWL\",\"kind\":\"RENDER\"}",
            "null", "[]", "\"CRAWL\"", "42", "true", "{}", " ", "\uFEFF{}",
    })
    void knownHostileMessagesAreMalformed(String json) {
        assertMalformed(json.getBytes(UTF_8));
    }

    @Test
    void bytesThatAreNotUtf8AreMalformed() {
        byte[] valid = MessageCodec.encode(ResultMessage.of(RenderResult.failure("render-1-1", "http://a/", "x", 1)));
        byte[] latin1 = new String(valid, UTF_8).replace("\"x\"", "\"é\"").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        MalformedMessageException e = assertMalformed(latin1);
        assertEquals("ResultMessage is not UTF-8", e.getMessage());
        assertMalformed(new byte[] {(byte) 0xC0, (byte) 0xAF});
    }

    @Test
    void theReasonIsOneShortLine() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> MessageCodec.decodeResult("{\"kind\":\"CRAWL\"}".getBytes(UTF_8)));
        assertEquals("malformed ResultMessage: message of kind CRAWL must carry exactly that result", e.getMessage());
        String longGarbage = "{\"kind\":\"" + "x\n".repeat(5000) + "\"}";
        MalformedMessageException garbage = assertMalformed(longGarbage.getBytes(UTF_8));
        assertFalse(garbage.getMessage().contains("\n"), garbage.getMessage());
        assertTrue(garbage.getMessage().length() <= 200, garbage.getMessage());
    }

    @Test
    void aMessageOverTheSizeLimitIsRefusedUnread() {
        byte[] huge = new byte[MessageCodec.MAX_MESSAGE_BYTES + 1];
        Arrays.fill(huge, (byte) ' ');
        assertTrue(assertMalformed(huge).getMessage().contains("over the limit"));
    }

    // ---- the property ----

    /**
     * Feeds the bytes to both decoders. A decoder may only return a message that survives its own
     * round trip, or throw MalformedMessageException; anything else fails the test with the input.
     * True when at least one decoder accepted the bytes.
     */
    private static boolean survives(byte[] bytes) {
        boolean accepted = false;
        try {
            ResultMessage message = MessageCodec.decodeResult(bytes);
            assertEquals(message, MessageCodec.decodeResult(MessageCodec.encode(message)), "round trip");
            assertFalse(message.taskId().isBlank());
            accepted = true;
        } catch (MalformedMessageException expected) {
            assertOneLine(expected);
        } catch (Throwable unexpected) {
            throw new AssertionError("decodeResult threw " + unexpected + " for: " + printable(bytes), unexpected);
        }
        try {
            TaskRequest request = MessageCodec.decodeRequest(bytes);
            assertEquals(request, MessageCodec.decodeRequest(MessageCodec.encode(request)), "round trip");
            accepted = true;
        } catch (MalformedMessageException expected) {
            assertOneLine(expected);
        } catch (Throwable unexpected) {
            throw new AssertionError("decodeRequest threw " + unexpected + " for: " + printable(bytes), unexpected);
        }
        return accepted;
    }

    private static MalformedMessageException assertMalformed(byte[] bytes) {
        assertFalse(survives(bytes), "accepted: " + printable(bytes));
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> MessageCodec.decodeResult(bytes));
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decodeRequest(bytes));
        return e;
    }

    private static void assertOneLine(MalformedMessageException e) {
        String message = e.getMessage();
        assertTrue(message != null && !message.isBlank() && !message.contains("\n") && message.length() <= 200, message);
    }

    private static String printable(byte[] bytes) {
        String text = new String(bytes, 0, Math.min(bytes.length, 400), UTF_8);
        return text + (bytes.length > 400 ? "… (" + bytes.length + " bytes)" : "");
    }

    // ---- mutators ----

    private static final String JSON_CHARS = "{}[]\":,0123456789-+.eEnulltruefalse\\ ";

    private static byte[] mutate(byte[] bytes, Random random) {
        if (bytes.length == 0) return new byte[] {(byte) random.nextInt(256)};
        int at = random.nextInt(bytes.length);
        switch (random.nextInt(5)) {
            case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> bytes[at] = (byte) random.nextInt(256);
            case 2 -> bytes[at] = (byte) JSON_CHARS.charAt(random.nextInt(JSON_CHARS.length()));
            case 3 -> {
                byte[] shorter = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, shorter, 0, at);
                System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                return shorter;
            }
            default -> {
                byte[] longer = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, longer, 0, at);
                longer[at] = (byte) random.nextInt(256);
                System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                return longer;
            }
        }
        return bytes;
    }

    /** Values of every JSON type, and numbers no field can hold. */
    private static List<JsonElement> hostileValues() {
        JsonArray array = new JsonArray();
        array.add("x");
        array.add(JsonNull.INSTANCE);
        JsonObject object = new JsonObject();
        object.addProperty("kind", "CRAWL");
        return List.of(JsonNull.INSTANCE, new JsonPrimitive(""), new JsonPrimitive("RENDER"), new JsonPrimitive(true),
                new JsonPrimitive(-1), new JsonPrimitive(1.5), new JsonPrimitive(new BigInteger("99999999999999999999999999")),
                new JsonPrimitive(new BigDecimal("1e400")), new JsonArray(), array, new JsonObject(), object);
    }

    private static final List<String> KEYS = List.of("kind", "crawl", "render", "task_id", "url", "final_url", "http_status",
            "content_type", "html", "links", "truncated", "error", "elapsed_millis", "screenshot", "width", "height", "bytes",
            "limits", "timeout_millis", "max_body_bytes", "max_redirects", "viewport_width", "viewport_height", "user_agent",
            "screenshot_name", "upload_url", "junk");

    private static JsonElement randomJson(Random random, int depth) {
        int pick = depth > 4 ? random.nextInt(6) : random.nextInt(9);
        return switch (pick) {
            case 0 -> JsonNull.INSTANCE;
            case 1 -> new JsonPrimitive(random.nextBoolean());
            case 2 -> new JsonPrimitive(random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(2000) - 1000);
            case 3 -> new JsonPrimitive(new BigDecimal(random.nextGaussian()).scaleByPowerOfTen(random.nextInt(800) - 400));
            case 4 -> new JsonPrimitive(List.of("CRAWL", "RENDER", "crawl-1-1", "http://a/", "", "\u0000", "é").get(random.nextInt(7)));
            case 5 -> new JsonPrimitive(new BigInteger(200, random));
            case 6 -> {
                JsonArray array = new JsonArray();
                for (int i = random.nextInt(4); i > 0; i--) array.add(randomJson(random, depth + 1));
                yield array;
            }
            default -> {
                JsonObject object = new JsonObject();
                for (int i = random.nextInt(6); i > 0; i--) object.add(KEYS.get(random.nextInt(KEYS.size())), randomJson(random, depth + 1));
                yield object;
            }
        };
    }

    private static void collectPaths(JsonObject object, List<String> prefix, List<List<String>> into) {
        for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
            List<String> path = new ArrayList<>(prefix);
            path.add(entry.getKey());
            into.add(path);
            if (entry.getValue().isJsonObject()) collectPaths(entry.getValue().getAsJsonObject(), path, into);
        }
    }

    private static JsonObject parentOf(JsonObject root, List<String> path) {
        JsonObject at = root;
        for (String key : path.subList(0, path.size() - 1)) at = at.getAsJsonObject(key);
        return at;
    }

    private static String last(List<String> path) {
        return path.get(path.size() - 1);
    }

    /** A valid message, its bytes, and the decoder that reads it back. */
    record Sample(String name, Object value, byte[] bytes, Function<byte[], Object> decoder) {
        static Sample result(String name, ResultMessage message) {
            return new Sample(name, message, MessageCodec.encode(message), MessageCodec::decodeResult);
        }

        static Sample request(String name, TaskRequest request) {
            return new Sample(name, request, MessageCodec.encode(request), MessageCodec::decodeRequest);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
