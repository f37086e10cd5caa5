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

    /**
     * Decodes a call's body into {@code builder} by its Content-Type, or returns what the master
     * and the agent both answer when they cannot: 400 without a Content-Type, 415 for another one,
     * 400 with the decoder's text for a body that does not parse.
     */
    static Optional<HttpResponse> decodeCall(HttpRequest request, Message.Builder builder) {
        Optional<String> contentType = request.header("Content-Type");
        if (contentType.isEmpty()) return Optional.of(HttpResponse.text(400, "Expecting 'Content-Type' to be present"));
        Optional<WireEncoding> encoding = ofContentType(contentType.get());
        if (encoding.isEmpty()) {
            return Optional.of(HttpResponse.text(415, "Expecting 'Content-Type' of application/json or application/x-protobuf"));
        }
        return encoding.get().decodeInto(request.body(), builder).map(error -> HttpResponse.text(400, error));
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
