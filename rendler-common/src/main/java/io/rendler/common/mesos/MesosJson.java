package io.rendler.common.mesos;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;

/**
 * The JSON form Mesos speaks: proto field names in snake_case, unknown fields ignored on the way
 * in (Mesos adds fields between versions), and one compact line on the way out.
 */
public final class MesosJson {

    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private MesosJson() {}

    public static byte[] toJson(Message message) {
        try {
            return PRINTER.print(message).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("cannot print " + message.getDescriptorForType().getFullName(), e);
        }
    }

    @SuppressWarnings("unchecked")
    public static <T extends Message> T fromJson(byte[] json, T.Builder builder) throws InvalidProtocolBufferException {
        PARSER.merge(new String(json, StandardCharsets.UTF_8), builder);
        return (T) builder.build();
    }
}
