package io.rendler.common;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.Strictness;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The JSON wire form of {@link TaskRequest} and {@link ResultMessage}. Field names are snake_case
 * to match the rest of the Mesos JSON on the wire. Local mode encodes and decodes through here
 * too, so the codec is exercised on every run.
 *
 * <p>Anyone who can reach an agent may send a framework message naming one of our executors, so
 * decoding trusts nothing: any input that is not a complete, valid message (bad JSON or UTF-8,
 * wrong types, missing or null fields, a kind without its result, values out of range, trailing
 * bytes) becomes a {@link MalformedMessageException}, and nothing else is thrown. Whether a valid
 * result belongs to a task we launched is for the scheduler to decide.
 */
public final class MessageCodec {

    /** Far above a real result (the links of a page cut at the body limit), and a bound on what one message makes us parse. */
    public static final int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
    /** Task ids are ours, such as {@code crawl-17-2}; this bound only keeps a stranger's out of the log. */
    static final int MAX_TASK_ID_CHARS = 200;
    private static final int MAX_REASON_CHARS = 200;

    private static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .disableHtmlEscaping()
            .setStrictness(Strictness.STRICT)
            .create();

    private MessageCodec() {}

    public static byte[] encode(TaskRequest request) {
        return GSON.toJson(request).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] encode(ResultMessage message) {
        return GSON.toJson(message).getBytes(StandardCharsets.UTF_8);
    }

    public static TaskRequest decodeRequest(byte[] bytes) {
        TaskRequest request = decode(bytes, TaskRequest.class);
        requireId(request.taskId());
        requireText(request.url(), "url");
        requireText(request.limits().userAgent(), "limits.user_agent");
        if (request.kind() == TaskKind.RENDER) requireText(request.screenshotName(), "screenshot_name");
        return request;
    }

    public static ResultMessage decodeResult(byte[] bytes) {
        ResultMessage message = decode(bytes, ResultMessage.class);
        switch (message.kind()) {
            case CRAWL -> check(message.crawl());
            case RENDER -> check(message.render());
        }
        return message;
    }

    private static void check(CrawlResult crawl) {
        requireId(crawl.taskId());
        requireText(crawl.url(), "crawl.url");
        requireText(crawl.finalUrl(), "crawl.final_url");
        if (crawl.httpStatus() < 0 || crawl.httpStatus() > 999) throw new MalformedMessageException("crawl.http_status " + crawl.httpStatus() + " is not an HTTP status");
        requireNotNegative(crawl.elapsedMillis(), "crawl.elapsed_millis");
    }

    private static void check(RenderResult render) {
        requireId(render.taskId());
        requireText(render.url(), "render.url");
        if (render.screenshot() != null) requireText(render.screenshot(), "render.screenshot");
        requireNotNegative(render.width(), "render.width");
        requireNotNegative(render.height(), "render.height");
        requireNotNegative(render.bytes(), "render.bytes");
        requireNotNegative(render.elapsedMillis(), "render.elapsed_millis");
    }

    private static <T> T decode(byte[] bytes, Class<T> type) {
        String what = type.getSimpleName();
        if (bytes == null || bytes.length == 0) throw new MalformedMessageException("empty " + what);
        if (bytes.length > MAX_MESSAGE_BYTES) {
            throw new MalformedMessageException(what + " of " + bytes.length + " bytes is over the limit of " + MAX_MESSAGE_BYTES);
        }
        T value;
        try {
            value = GSON.fromJson(utf8(bytes), type);
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException(what + " is not UTF-8");
        } catch (RuntimeException e) {
            // Gson reports bad JSON as JsonParseException, but a record constructor that refuses
            // a value (ResultMessage without its result) arrives as a plain RuntimeException.
            Throwable cause = e.getCause() != null && e.getMessage() != null && e.getMessage().startsWith("Failed to invoke constructor")
                    ? e.getCause() : e;
            throw new MalformedMessageException("malformed " + what + ": " + describe(cause));
        }
        if (value == null) throw new MalformedMessageException("empty " + what);
        return value;
    }

    private static String utf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }

    private static void requireId(String taskId) {
        requireText(taskId, "task_id");
        if (taskId.length() > MAX_TASK_ID_CHARS) throw new MalformedMessageException("task_id of " + taskId.length() + " characters");
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) throw new MalformedMessageException(field + " is missing");
    }

    private static void requireNotNegative(long value, String field) {
        if (value < 0) throw new MalformedMessageException(field + " is negative");
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        String text = message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
        // Gson appends a troubleshooting link to its messages; the log needs the first clause only.
        int see = text.indexOf("\nSee https://");
        if (see > 0) text = text.substring(0, see);
        return oneLine(text);
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= MAX_REASON_CHARS ? line : line.substring(0, MAX_REASON_CHARS - 1) + "…";
    }

    /**
     * Thrown for bytes that are not a valid message; the receiver drops them and relies on retries.
     * The message is one short line, fit for a log or a task's failure reason.
     */
    public static final class MalformedMessageException extends RuntimeException {
        public MalformedMessageException(String message) {
            super(oneLine(message));
        }
    }
}
