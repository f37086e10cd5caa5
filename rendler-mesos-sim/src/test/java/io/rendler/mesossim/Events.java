package io.rendler.mesossim;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * Decodes scheduler events the way a client would (protobuf-java's JsonFormat, unknown fields
 * ignored), independently of the simulator's own codec, plus matchers for
 * {@link RawClient.EventStreamReader#await}.
 */
final class Events {

    private Events() {}

    static Event scheduler(byte[] record, WireEncoding encoding) {
        try {
            if (encoding == WireEncoding.PROTOBUF) return Event.parseFrom(record);
            Event.Builder event = Event.newBuilder();
            JsonFormat.parser().ignoringUnknownFields().merge(new String(record, StandardCharsets.UTF_8), event);
            return event.build();
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("undecodable event: " + new String(record, StandardCharsets.UTF_8), e);
        }
    }

    static org.apache.mesos.v1.executor.Protos.Event executor(byte[] record, WireEncoding encoding) {
        try {
            if (encoding == WireEncoding.PROTOBUF) return org.apache.mesos.v1.executor.Protos.Event.parseFrom(record);
            var event = org.apache.mesos.v1.executor.Protos.Event.newBuilder();
            JsonFormat.parser().ignoringUnknownFields().merge(new String(record, StandardCharsets.UTF_8), event);
            return event.build();
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("undecodable executor event", e);
        }
    }

    static Predicate<byte[]> type(Event.Type type) {
        return type(type, WireEncoding.JSON);
    }

    static Predicate<byte[]> type(Event.Type type, WireEncoding encoding) {
        return record -> scheduler(record, encoding).getType() == type;
    }

    static Predicate<byte[]> update(String taskId, TaskState state) {
        return update(taskId, state, WireEncoding.JSON);
    }

    static Predicate<byte[]> update(String taskId, TaskState state, WireEncoding encoding) {
        return record -> {
            Event event = scheduler(record, encoding);
            return event.getType() == Event.Type.UPDATE
                    && event.getUpdate().getStatus().getTaskId().getValue().equals(taskId)
                    && event.getUpdate().getStatus().getState() == state;
        };
    }

    static Predicate<byte[]> failure(int status) {
        return record -> {
            Event event = scheduler(record, WireEncoding.JSON);
            return event.getType() == Event.Type.FAILURE && event.getFailure().getStatus() == status;
        };
    }

    static Predicate<byte[]> message(String data) {
        return record -> {
            Event event = scheduler(record, WireEncoding.JSON);
            return event.getType() == Event.Type.MESSAGE && event.getMessage().getData().toStringUtf8().equals(data);
        };
    }

    static String json(byte[] record) {
        return new String(record, StandardCharsets.UTF_8);
    }
}
