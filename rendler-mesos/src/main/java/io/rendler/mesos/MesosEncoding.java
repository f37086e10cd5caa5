package io.rendler.mesos;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.Locale;

/**
 * The two body encodings both Mesos v1 APIs accept. Calls and events may differ (the recordings
 * show a protobuf event stream with JSON calls), but we always use one for both.
 */
public enum MesosEncoding {
    JSON("application/json"),
    PROTOBUF("application/x-protobuf");

    static {
        MesosGencode.silencePre22Warning();
    }

    private final String mediaType;

    /** {@code json} or {@code protobuf}: the name {@link #named} reads. */
    public String label() {
        return this == JSON ? "json" : "protobuf";
    }

    /** {@code json} or {@code protobuf}, as a user or an environment variable writes it. */
    public static MesosEncoding named(String name) {
        return switch (name.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "json" -> JSON;
            case "protobuf", "proto" -> PROTOBUF;
            default -> throw new IllegalArgumentException("unknown Mesos encoding '" + name + "'; use json or protobuf");
        };
    }

    MesosEncoding(String mediaType) {
        this.mediaType = mediaType;
    }

    /**
     * The exact {@code Content-Type}/{@code Accept} value. Mesos quirk: it compares the whole
     * header, so {@code application/json; charset=utf-8} gets 415.
     */
    public String mediaType() {
        return mediaType;
    }

    public byte[] encode(Message message) {
        return this == JSON ? MesosJson.toJson(message) : message.toByteArray();
    }

    /** Decodes one message; missing required fields are reported as malformed. */
    @SuppressWarnings("unchecked")
    public <M extends Message> M decode(byte[] bytes, M prototype) throws InvalidProtocolBufferException {
        if (this == JSON) return MesosJson.parse(bytes, prototype);
        return (M) prototype.getParserForType().parseFrom(bytes);
    }

    /** The encoding a {@code Content-Type} header names, ignoring parameters and case. */
    public static MesosEncoding ofContentType(String contentType) {
        String bare = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        for (MesosEncoding encoding : values()) {
            if (encoding.mediaType.equals(bare)) return encoding;
        }
        throw new IllegalArgumentException("not a Mesos encoding: " + contentType);
    }
}
