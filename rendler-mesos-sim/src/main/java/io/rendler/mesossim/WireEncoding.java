package io.rendler.mesossim;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The two encodings Mesos speaks, for call bodies (Content-Type) and event streams (Accept). */
enum WireEncoding {
    JSON("application/json"),
    PROTOBUF("application/x-protobuf");

    final String mediaType;

    WireEncoding(String mediaType) {
        this.mediaType = mediaType;
    }

    /**
     * Exact match only: Mesos compares the whole header, so {@code application/json; charset=utf-8}
     * is a 415 (README surprise 5, {@code errors/03-err-content-type-json-charset-utf8}).
     */
    static Optional<WireEncoding> ofContentType(String headerValue) {
        for (WireEncoding encoding : values()) {
            if (encoding.mediaType.equals(headerValue)) return Optional.of(encoding);
        }
        return Optional.empty();
    }

    byte[] encode(Message message) {
        return this == JSON ? MesosJsonWriter.write(message) : message.toByteArray();
    }

    /**
     * Decodes a call body into {@code builder}, or returns the 400 text Mesos answers with. The
     * texts are the master's and the agent's (they share them).
     */
    Optional<String> decodeInto(byte[] body, Message.Builder builder) {
        if (this == PROTOBUF) {
            try {
                builder.mergeFrom(body);
                if (builder.isInitialized()) return Optional.empty();
            } catch (InvalidProtocolBufferException e) {
                // falls through to the same answer as a missing required field
            }
            return Optional.of("Failed to parse body into Call protobuf");
        }
        Object tree;
        try {
            tree = MesosJsonReader.parseTree(new String(body, StandardCharsets.UTF_8));
        } catch (MesosJsonReader.BadJson e) {
            return Optional.of("Failed to parse body into JSON: " + e.getMessage());
        }
        try {
            MesosJsonReader.toProto(tree, builder);
        } catch (MesosJsonReader.BadJson e) {
            return Optional.of("Failed to convert JSON into Call protobuf: " + e.getMessage());
        }
        return Optional.empty();
    }
}
