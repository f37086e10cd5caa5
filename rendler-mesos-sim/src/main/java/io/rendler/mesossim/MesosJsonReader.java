package io.rendler.mesossim;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads JSON calls the way a Mesos master or agent does: picojson for the syntax, then stout's
 * {@code protobuf::parse} to fill the message. The error texts are Mesos' own, because clients
 * see them in 400 bodies ({@code scheduler-json/errors/07-err-malformed-json},
 * {@code executor/fake-exec-1-8567/01-update-INVALID-text-uuid-task-1}).
 *
 * <p>Conversion rules that differ from protobuf-java's JsonFormat and bite clients:
 * <ul>
 *   <li>numeric fields accept JSON numbers only; a quoted number, which JsonFormat prints for every
 *       int64/uint64 field, fails with "Not expecting a JSON string for field 'begin'";
 *   <li>an unknown enum name on an optional field is silently dropped ({@code "type":"FOO"} then
 *       fails validation as "Expecting 'type' to be present", README surprise 5);
 *   <li>bytes are standard base64; stout stops at the first {@code '='}, skips whitespace and rejects
 *       anything else with "Invalid character 'c'";
 *   <li>unknown keys and {@code null} values are ignored.
 * </ul>
 */
final class MesosJsonReader {

    /** A JSON text that picojson or stout would refuse; the message is Mesos' wording. */
    static final class BadJson extends Exception {
        BadJson(String message) {
            super(message);
        }
    }

    /** Stand-in for JSON {@code null} in parsed trees. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private MesosJsonReader() {}

    /**
     * Parses JSON text into a tree of {@code Map<String,Object>} (sorted by key, as stout's
     * {@code std::map} iterates), {@code List<Object>}, {@code String}, {@code BigDecimal},
     * {@code Boolean} and {@link #NULL}.
     */
    static Object parseTree(String text) throws BadJson {
        Syntax syntax = new Syntax(text);
        Object value = syntax.value();
        syntax.skipWhitespace();
        if (syntax.pos < text.length()) {
            throw new BadJson("Parsed JSON included non-whitespace trailing characters: " + text.substring(syntax.pos).strip());
        }
        return value;
    }

    /** Fills {@code builder} from a parsed tree, then insists on required fields like stout does. */
    static void toProto(Object tree, Message.Builder builder) throws BadJson {
        if (!(tree instanceof Map<?, ?> object)) {
            throw new BadJson("Expecting a JSON object");
        }
        mergeObject(object, builder);
        if (!builder.isInitialized()) {
            throw new BadJson("Missing required fields: " + String.join(", ", builder.findInitializationErrors()));
        }
    }

    private static void mergeObject(Map<?, ?> object, Message.Builder builder) throws BadJson {
        for (Map.Entry<?, ?> entry : object.entrySet()) {
            FieldDescriptor field = builder.getDescriptorForType().findFieldByName((String) entry.getKey());
            if (field != null) {
                mergeValue(builder, field, entry.getValue());
            }
        }
    }

    private static void mergeValue(Message.Builder builder, FieldDescriptor field, Object value) throws BadJson {
        if (value == NULL) return;
        if (value instanceof List<?> array) {
            if (!field.isRepeated()) throw notExpecting("array", field);
            for (Object element : array) mergeValue(builder, field, element);
            return;
        }
        if (value instanceof Map<?, ?> object) {
            if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) throw notExpecting("object", field);
            Message.Builder nested = builder.newBuilderForField(field);
            if (!field.isRepeated() && builder.hasField(field)) nested.mergeFrom((Message) builder.getField(field));
            mergeObject(object, nested);
            set(builder, field, nested.buildPartial());
            return;
        }
        if (value instanceof Boolean bool) {
            if (field.getType() != FieldDescriptor.Type.BOOL) throw notExpecting("boolean", field);
            set(builder, field, bool);
            return;
        }
        if (value instanceof BigDecimal number) {
            set(builder, field, number(field, number));
            return;
        }
        String string = (String) value;
        switch (field.getType()) {
            case STRING -> set(builder, field, string);
            case BYTES -> {
                try {
                    set(builder, field, ByteString.copyFrom(decodeBase64(string)));
                } catch (BadJson e) {
                    throw new BadJson("Failed to base64 decode bytes field '" + field.getName() + "': " + e.getMessage());
                }
            }
            case ENUM -> {
                EnumValueDescriptor known = field.getEnumType().findValueByName(string);
                if (known != null) {
                    set(builder, field, known);
                } else if (field.isRequired()) {
                    throw new BadJson("Failed to find enum for '" + string + "'");
                } else {
                    // Dropped like stout does, except names we know are newer than the 1.11 classes:
                    // those are kept as the unknown varint a real master's protobuf would carry.
                    NewerEnumValues.number(field.getEnumType(), string).ifPresent(n -> builder.mergeUnknownFields(
                            UnknownFieldSet.newBuilder()
                                    .addField(field.getNumber(), UnknownFieldSet.Field.newBuilder().addVarint(n).build())
                                    .build()));
                }
            }
            default -> throw notExpecting("string", field);
        }
    }

    private static Object number(FieldDescriptor field, BigDecimal number) throws BadJson {
        return switch (field.getType()) {
            case DOUBLE -> number.doubleValue();
            case FLOAT -> number.floatValue();
            case INT64, SINT64, SFIXED64, UINT64, FIXED64 -> number.toBigInteger().longValue();
            case INT32, SINT32, SFIXED32, UINT32, FIXED32 -> number.toBigInteger().intValue();
            default -> throw notExpecting("number", field);
        };
    }

    private static void set(Message.Builder builder, FieldDescriptor field, Object value) {
        if (field.isRepeated()) {
            builder.addRepeatedField(field, value);
        } else {
            builder.setField(field, value);
        }
    }

    private static BadJson notExpecting(String kind, FieldDescriptor field) {
        return new BadJson("Not expecting a JSON " + kind + " for field '" + field.getName() + "'");
    }

    /** stout's lenient base64: stops at the first '=', skips whitespace, rejects anything else. */
    static byte[] decodeBase64(String text) throws BadJson {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '=') break;
            if (Character.isWhitespace(c)) continue;
            int index = alphabet.indexOf(c);
            if (index < 0) throw new BadJson("Invalid character '" + c + "'");
            buffer = (buffer << 6) | index;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out.write((buffer >> bits) & 0xff);
            }
        }
        return out.toByteArray();
    }

    /** A small recursive-descent JSON parser that fails with picojson's message. */
    private static final class Syntax {
        private final String text;
        private int pos;

        Syntax(String text) {
            this.text = text;
        }

        Object value() throws BadJson {
            skipWhitespace();
            if (pos >= text.length()) throw error();
            char c = text.charAt(pos);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", NULL);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) return number();
                    throw error();
            }
        }

        private Map<String, Object> object() throws BadJson {
            Map<String, Object> object = new TreeMap<>();
            pos++;
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return object;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') throw error();
                String key = string();
                expect(':');
                object.put(key, value());
                skipWhitespace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() == '}') {
                    pos++;
                    return object;
                } else {
                    throw error();
                }
            }
        }

        private List<Object> array() throws BadJson {
            List<Object> array = new ArrayList<>();
            pos++;
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return array;
            }
            while (true) {
                array.add(value());
                skipWhitespace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() == ']') {
                    pos++;
                    return array;
                } else {
                    throw error();
                }
            }
        }

        private String string() throws BadJson {
            StringBuilder out = new StringBuilder();
            pos++;
            while (true) {
                if (pos >= text.length()) throw error();
                char c = text.charAt(pos++);
                if (c == '"') return out.toString();
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (pos >= text.length()) throw error();
                char escaped = text.charAt(pos++);
                switch (escaped) {
                    case '"', '\\', '/' -> out.append(escaped);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) throw error();
                        try {
                            out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException e) {
                            throw error();
                        }
                        pos += 4;
                    }
                    default -> {
                        pos--;
                        throw error();
                    }
                }
            }
        }

        private BigDecimal number() throws BadJson {
            int start = pos;
            while (pos < text.length() && "0123456789+-.eE".indexOf(text.charAt(pos)) >= 0) pos++;
            try {
                return new BigDecimal(text.substring(start, pos));
            } catch (NumberFormatException e) {
                pos = start;
                throw error();
            }
        }

        private Object literal(String word, Object value) throws BadJson {
            if (!text.startsWith(word, pos)) throw error();
            pos += word.length();
            return value;
        }

        private void expect(char c) throws BadJson {
            skipWhitespace();
            if (peek() != c) throw error();
            pos++;
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        void skipWhitespace() {
            while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) pos++;
        }

        /**
         * picojson: "syntax error at line N near: " plus the rest of the line from the failure, so a
         * truncated body ends in "near: " with nothing after it.
         */
        private BadJson error() {
            int line = 1;
            for (int i = 0; i < Math.min(pos, text.length()); i++) {
                if (text.charAt(i) == '\n') line++;
            }
            StringBuilder near = new StringBuilder();
            for (int i = pos; i < text.length() && text.charAt(i) != '\n'; i++) {
                if (text.charAt(i) >= ' ') near.append(text.charAt(i));
            }
            return new BadJson("syntax error at line " + line + " near: " + near);
        }
    }
}
