package io.rendler.mesossim;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.UnknownFieldSet;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Prints protobuf messages as JSON the way a Mesos master or agent does (stout's
 * {@code JSON::Protobuf} with {@code jsonify}), so that our event streams match the recorded
 * transcripts byte for byte once ids and timestamps are substituted. It differs from protobuf-java's
 * {@code JsonFormat} in ways a client can notice:
 * <ul>
 *   <li>fields come in .proto declaration order, not field-number order (ExecutorInfo starts with
 *       {@code "type"}, CommandInfo prints {@code "shell"} before {@code "value"});
 *   <li>an unset optional field that declares a default is printed anyway, unless it is deprecated
 *       ({@code "shell":true}, {@code "checkpoint":false}, MasterInfo {@code "port"}); the deprecated
 *       {@code Resource.role} is printed only when set, which the master does on offers;
 *   <li>64-bit integers are JSON numbers, not strings ({@code {"begin":31000,"end":32000}});
 *   <li>doubles always carry a fraction and never an exponent ({@code 2.0},
 *       {@code 1795419759.859566});
 *   <li>{@code '/'} is not escaped ({@code "path":"/slave(1)"}), control characters are
 *       {@code \}{@code u00xx}.
 * </ul>
 */
final class MesosJsonWriter {

    private MesosJsonWriter() {}

    static byte[] write(MessageOrBuilder message) {
        StringBuilder out = new StringBuilder(256);
        writeMessage(out, message);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String writeString(MessageOrBuilder message) {
        return new String(write(message), StandardCharsets.UTF_8);
    }

    private static void writeMessage(StringBuilder out, MessageOrBuilder message) {
        out.append('{');
        boolean first = true;
        UnknownFieldSet unknown = message.getUnknownFields();
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            List<Long> newerEnumNumbers = newerEnumNumbers(field, unknown);
            boolean present;
            if (field.isRepeated()) {
                present = message.getRepeatedFieldCount(field) > 0 || !newerEnumNumbers.isEmpty();
            } else {
                present = message.hasField(field)
                        || !newerEnumNumbers.isEmpty()
                        || (field.hasDefaultValue() && !field.getOptions().getDeprecated());
            }
            if (!present) continue;
            if (!first) out.append(',');
            first = false;
            writeString(out, field.getName());
            out.append(':');
            if (field.isRepeated()) {
                out.append('[');
                int count = message.getRepeatedFieldCount(field);
                for (int i = 0; i < count; i++) {
                    if (i > 0) out.append(',');
                    writeValue(out, field, message.getRepeatedField(field, i));
                }
                for (int i = 0; i < newerEnumNumbers.size(); i++) {
                    if (count + i > 0) out.append(',');
                    writeNewerEnum(out, field, newerEnumNumbers.get(i));
                }
                out.append(']');
            } else if (!message.hasField(field) && !newerEnumNumbers.isEmpty()) {
                writeNewerEnum(out, field, newerEnumNumbers.get(newerEnumNumbers.size() - 1));
            } else {
                writeValue(out, field, message.getField(field));
            }
        }
        out.append('}');
    }

    /** Enum numbers the 1.11 classes parked in unknown fields but which we know names for. */
    private static List<Long> newerEnumNumbers(FieldDescriptor field, UnknownFieldSet unknown) {
        if (field.getType() != FieldDescriptor.Type.ENUM || !unknown.hasField(field.getNumber())) {
            return List.of();
        }
        return unknown.getField(field.getNumber()).getVarintList().stream()
                .filter(n -> NewerEnumValues.name(field.getEnumType(), n.intValue()).isPresent())
                .toList();
    }

    private static void writeNewerEnum(StringBuilder out, FieldDescriptor field, long number) {
        writeString(out, NewerEnumValues.name(field.getEnumType(), (int) number).orElseThrow());
    }

    private static void writeValue(StringBuilder out, FieldDescriptor field, Object value) {
        switch (field.getType()) {
            case BOOL -> out.append(((Boolean) value) ? "true" : "false");
            case INT32, SINT32, SFIXED32 -> out.append((int) (Integer) value);
            case UINT32, FIXED32 -> out.append(Integer.toUnsignedString((Integer) value));
            case INT64, SINT64, SFIXED64 -> out.append((long) (Long) value);
            case UINT64, FIXED64 -> out.append(Long.toUnsignedString((Long) value));
            case FLOAT -> out.append(formatDouble((Float) value));
            case DOUBLE -> out.append(formatDouble((Double) value));
            case STRING -> writeString(out, (String) value);
            case BYTES -> writeString(out, Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case ENUM -> writeString(out, ((EnumValueDescriptor) value).getName());
            case MESSAGE, GROUP -> writeMessage(out, (MessageOrBuilder) value);
        }
    }

    /**
     * Shortest text that reads back as the same double, always with a fraction and never with an
     * exponent: {@code 15.0}, {@code 0.1}, {@code 1795419759.859566}.
     */
    static String formatDouble(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            // stout prints these as bare words, which is not JSON; nothing in the simulator makes them.
            return Double.isNaN(value) ? "nan" : (value > 0 ? "inf" : "-inf");
        }
        String text = Double.toString(value);
        if (text.indexOf('E') >= 0) {
            text = new BigDecimal(text).toPlainString();
        }
        return text.indexOf('.') >= 0 ? text : text + ".0";
    }

    private static void writeString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
