package io.rendler.mesos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares JSON as parsed trees, the way Mesos reads it: key order and whitespace do not matter,
 * {@code 32} equals {@code 32.0}, and an empty array is the same as an absent field (proto
 * repeated fields have no "present but empty").
 */
final class JsonTrees {

    private JsonTrees() {}

    static JsonElement parse(byte[] json) {
        return JsonParser.parseString(new String(json, StandardCharsets.UTF_8));
    }

    static void assertEquivalent(byte[] expected, byte[] actual, String what) {
        String canonicalExpected = canonical(parse(expected));
        String canonicalActual = canonical(parse(actual));
        assertEquals(canonicalExpected, canonicalActual, what);
    }

    /** A deterministic pretty rendering of the normalised tree, so failures show a readable diff. */
    static String canonical(JsonElement element) {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(normalise(element));
    }

    private static JsonElement normalise(JsonElement element) {
        if (element.isJsonObject()) {
            Map<String, JsonElement> sorted = new TreeMap<>();
            for (Map.Entry<String, JsonElement> entry : element.getAsJsonObject().entrySet()) {
                JsonElement value = entry.getValue();
                if (value.isJsonNull() || (value.isJsonArray() && value.getAsJsonArray().isEmpty())) continue;
                sorted.put(entry.getKey(), normalise(value));
            }
            JsonObject object = new JsonObject();
            sorted.forEach(object::add);
            return object;
        }
        if (element.isJsonArray()) {
            JsonArray array = new JsonArray();
            for (JsonElement item : element.getAsJsonArray()) array.add(normalise(item));
            return array;
        }
        if (element.isJsonPrimitive() && element.getAsJsonPrimitive().isNumber()) {
            BigDecimal value = new BigDecimal(element.getAsString()).stripTrailingZeros();
            return new JsonPrimitive("number:" + value.toPlainString());
        }
        return element;
    }
}
