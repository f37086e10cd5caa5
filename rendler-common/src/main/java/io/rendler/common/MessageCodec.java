package io.rendler.common;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON wire form of {@link TaskRequest} and {@link ResultMessage}. Field names are snake_case
 * to match the rest of the Mesos JSON on the wire. Local mode encodes and decodes through here
 * too, so the codec is exercised on every run.
 */
public final class MessageCodec {

    private static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .disableHtmlEscaping()
            .create();

    private MessageCodec() {}

    public static byte[] encode(TaskRequest request) {
        return GSON.toJson(request).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] encode(ResultMessage message) {
        return GSON.toJson(message).getBytes(StandardCharsets.UTF_8);
    }

    public static TaskRequest decodeRequest(byte[] bytes) {
        return decode(bytes, TaskRequest.class);
    }

    public static ResultMessage decodeResult(byte[] bytes) {
        return decode(bytes, ResultMessage.class);
    }

    private static <T> T decode(byte[] bytes, Class<T> type) {
        try {
            T value = GSON.fromJson(new String(bytes, StandardCharsets.UTF_8), type);
            if (value == null) throw new MalformedMessageException("empty " + type.getSimpleName());
            return value;
        } catch (JsonParseException | IllegalArgumentException | NullPointerException e) {
            throw new MalformedMessageException("malformed " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Thrown for bytes that are not a valid message; the receiver drops them and relies on retries. */
    public static final class MalformedMessageException extends RuntimeException {
        public MalformedMessageException(String message) {
            super(message);
        }
    }
}
