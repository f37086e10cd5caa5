package io.rendler.mesossim;

import com.google.protobuf.Descriptors.EnumDescriptor;
import java.util.Map;
import java.util.Optional;

/**
 * Enum values that the recorded Mesos 1.12 master sends but the org.apache.mesos:mesos:1.11.0
 * classes do not define. Without this table the simulator could not say them at all.
 *
 * <p>Today there is one: {@code MasterInfo.Capability.Type.QUOTA_V2 = 3}, advertised in every
 * SUBSCRIBED event (README surprise 9). On the protobuf wire the value travels as an unknown varint,
 * which is exactly what a real master's bytes look like to a 1.11 client. In JSON, protobuf-java's
 * {@code JsonFormat.parser().ignoringUnknownFields()} drops the unknown name, leaving an empty
 * capability object, the same as stout does with enum names it does not know.
 */
final class NewerEnumValues {

    private static final Map<String, Map<Integer, String>> BY_ENUM = Map.of(
            "mesos.v1.MasterInfo.Capability.Type", Map.of(3, "QUOTA_V2"));

    private NewerEnumValues() {}

    static Optional<String> name(EnumDescriptor type, int number) {
        return Optional.ofNullable(BY_ENUM.getOrDefault(type.getFullName(), Map.of()).get(number));
    }

    static Optional<Integer> number(EnumDescriptor type, String name) {
        return BY_ENUM.getOrDefault(type.getFullName(), Map.of()).entrySet().stream()
                .filter(e -> e.getValue().equals(name))
                .map(Map.Entry::getKey)
                .findFirst();
    }
}
