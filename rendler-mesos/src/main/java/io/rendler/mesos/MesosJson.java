package io.rendler.mesos;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UninitializedMessageException;
import com.google.protobuf.util.JsonFormat;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The JSON form Mesos speaks: proto field names in snake_case, enums by name, bytes as standard
 * base64 with padding, unknown fields ignored on the way in (Mesos adds fields between versions),
 * and one compact line on the way out.
 */
public final class MesosJson {

    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().create();

    static {
        MesosGencode.silencePre22Warning();
    }

    private MesosJson() {}

    public static byte[] toJson(Message message) {
        String printed;
        try {
            printed = PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("cannot print " + message.getDescriptorForType().getFullName(), e);
        }
        // Mesos quirk: protobuf's canonical JSON prints 64-bit integers as strings ("31000"),
        // but Mesos' JSON-to-protobuf parser (stout) only takes JSON numbers for them and
        // answers 400 "Not expecting a JSON string for field 'begin'". Port ranges in ACCEPT
        // resources and DurationInfo.nanoseconds are where this bites.
        JsonObject tree = JsonParser.parseString(printed).getAsJsonObject();
        unquote64BitIntegers(tree, message.getDescriptorForType());
        return COMPACT.toJson(tree).getBytes(StandardCharsets.UTF_8);
    }

    /** Parses Mesos JSON into a message of the prototype's type. */
    @SuppressWarnings("unchecked")
    public static <M extends Message> M parse(byte[] json, M prototype) throws InvalidProtocolBufferException {
        return (M) fromJson(json, prototype.newBuilderForType());
    }

    /** Parses Mesos JSON into the builder and builds it; missing required fields are an error. */
    @SuppressWarnings("unchecked")
    public static <T extends Message> T fromJson(byte[] json, Message.Builder builder) throws InvalidProtocolBufferException {
        try {
            PARSER.merge(new String(json, StandardCharsets.UTF_8), builder);
            return (T) builder.build();
        } catch (UninitializedMessageException e) {
            throw new InvalidProtocolBufferException(
                    builder.getDescriptorForType().getName() + " is missing required fields: " + e.getMissingFields());
        } catch (RuntimeException e) {
            // JsonFormat reports some malformed input (e.g. a bare array) as unchecked exceptions.
            throw new InvalidProtocolBufferException("malformed JSON " + builder.getDescriptorForType().getName() + ": " + e.getMessage());
        }
    }

    private static boolean is64BitInteger(FieldDescriptor field) {
        return switch (field.getType()) {
            case INT64, UINT64, SINT64, FIXED64, SFIXED64 -> true;
            default -> false;
        };
    }

    private static void unquote64BitIntegers(JsonObject object, Descriptor type) {
        for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
            FieldDescriptor field = type.findFieldByName(entry.getKey());
            if (field == null) continue;
            JsonElement value = entry.getValue();
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                if (value.isJsonArray()) {
                    for (JsonElement item : value.getAsJsonArray()) unquote64BitIntegers(item.getAsJsonObject(), field.getMessageType());
                } else {
                    unquote64BitIntegers(value.getAsJsonObject(), field.getMessageType());
                }
            } else if (is64BitInteger(field)) {
                if (value.isJsonArray()) {
                    JsonArray numbers = new JsonArray();
                    for (JsonElement item : value.getAsJsonArray()) numbers.add(asNumber(item));
                    entry.setValue(numbers);
                } else {
                    entry.setValue(asNumber(value));
                }
            }
        }
    }

    private static JsonPrimitive asNumber(JsonElement printed) {
        return new JsonPrimitive(new BigInteger(printed.getAsString()));
    }
}
