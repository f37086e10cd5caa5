package io.rendler.mesossim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our JSON printer must write what a real master and agent wrote, byte for byte: every recorded
 * event is read back into a protobuf message and printed again. Protobuf records must survive the
 * same trip unchanged, which also proves the 1.11.0 classes carry a 1.12 master's events.
 */
class MesosJsonCodecTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "scheduler-json/01-subscribe-json-stream.body",
            "scheduler-json/34-resubscribe-while-old-stream-open.body",
            "scheduler-json/35-resubscribe-after-drop.body",
            "scheduler-json-clean/00-subscribe-stream.body",
            "scheduler-json-decline-suppress-revive-failure/01-subscribe-json-stream.body"})
    void scheduler_events_print_exactly_as_recorded(String body) throws Exception {
        assertJsonRoundTrip(body, org.apache.mesos.v1.scheduler.Protos.Event::newBuilder);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "executor/fake-exec-1-8567/00-subscribe-stream.body",
            "executor/fake-exec-3-8908/00-subscribe-stream.body"})
    void executor_events_print_exactly_as_recorded(String body) throws Exception {
        assertJsonRoundTrip(body, org.apache.mesos.v1.executor.Protos.Event::newBuilder);
    }

    @Test
    void protobuf_events_reserialize_to_the_recorded_bytes() throws Exception {
        for (byte[] record : WireFixtures.bodyRecords("scheduler-protobuf-clean/00-subscribe-stream.body")) {
            assertArrayEquals(record, org.apache.mesos.v1.scheduler.Protos.Event.parseFrom(record).toByteArray());
        }
        for (byte[] record : WireFixtures.bodyRecords("executor/fake-exec-2-proto-8584/00-subscribe-stream.body")) {
            assertArrayEquals(record, org.apache.mesos.v1.executor.Protos.Event.parseFrom(record).toByteArray());
        }
    }

    private static void assertJsonRoundTrip(String body, Supplier<Message.Builder> builders) throws Exception {
        List<byte[]> records = WireFixtures.bodyRecords(body);
        assertFalse(records.isEmpty());
        for (byte[] record : records) {
            String recorded = new String(record, StandardCharsets.UTF_8);
            Message.Builder builder = builders.get();
            MesosJsonReader.toProto(MesosJsonReader.parseTree(recorded), builder);
            assertEquals(recorded, MesosJsonWriter.writeString(builder.build()), "record of " + body);
        }
    }

    @Test
    void doubles_keep_a_fraction_and_never_use_an_exponent() {
        assertEquals("15.0", MesosJsonWriter.formatDouble(15));
        assertEquals("0.1", MesosJsonWriter.formatDouble(0.1));
        assertEquals("1795419759.859566", MesosJsonWriter.formatDouble(1795419759.859566));
        assertEquals("23081.0", MesosJsonWriter.formatDouble(23081));
    }

    @Test
    void malformed_json_fails_with_picojsons_words() {
        // errors/07-err-malformed-json: a truncated body leaves nothing after "near: ".
        assertEquals(Optional.of("Failed to parse body into JSON: syntax error at line 1 near: "),
                WireEncoding.JSON.decodeInto("{\"type\": \"REVIVE\",".getBytes(StandardCharsets.UTF_8),
                        org.apache.mesos.v1.scheduler.Protos.Call.newBuilder()));
        assertEquals(Optional.of("Failed to parse body into JSON: syntax error at line 1 near: x}"),
                WireEncoding.JSON.decodeInto("{\"type\": x}".getBytes(StandardCharsets.UTF_8),
                        org.apache.mesos.v1.scheduler.Protos.Call.newBuilder()));
    }

    @Test
    void a_text_uuid_fails_base64_like_stout() {
        // executor/fake-exec-1-8567/01-update-INVALID-text-uuid-task-1
        String call = "{\"executor_id\": {\"value\": \"e\"}, \"framework_id\": {\"value\": \"f\"}, \"type\": \"UPDATE\", "
                + "\"update\": {\"status\": {\"task_id\": {\"value\": \"t\"}, \"state\": \"TASK_RUNNING\", "
                + "\"uuid\": \"786821a8-3579-487a-816d-42b9181cab96\"}}}";
        assertEquals(Optional.of("Failed to convert JSON into Call protobuf: Failed to base64 decode bytes field 'uuid': "
                        + "Invalid character '-'"),
                WireEncoding.JSON.decodeInto(call.getBytes(StandardCharsets.UTF_8),
                        org.apache.mesos.v1.executor.Protos.Call.newBuilder()));
    }

    @Test
    void quoted_64_bit_numbers_are_refused_as_stout_does() {
        // protobuf-java's JsonFormat prints uint64 as "31000"; a real master answers 400.
        String call = "{\"type\": \"ACCEPT\", \"framework_id\": {\"value\": \"f\"}, \"accept\": {\"operations\": [{\"type\": "
                + "\"LAUNCH\", \"launch\": {\"task_infos\": [{\"name\": \"t\", \"task_id\": {\"value\": \"t\"}, \"agent_id\": "
                + "{\"value\": \"a\"}, \"resources\": [{\"name\": \"ports\", \"type\": \"RANGES\", \"ranges\": {\"range\": "
                + "[{\"begin\": \"31000\", \"end\": \"31000\"}]}}]}]}}]}}";
        assertEquals(Optional.of("Failed to convert JSON into Call protobuf: Not expecting a JSON string for field 'begin'"),
                WireEncoding.JSON.decodeInto(call.getBytes(StandardCharsets.UTF_8),
                        org.apache.mesos.v1.scheduler.Protos.Call.newBuilder()));
    }

    @Test
    void unknown_enum_names_are_dropped_and_required_fields_enforced() {
        var builder = org.apache.mesos.v1.scheduler.Protos.Call.newBuilder();
        assertTrue(WireEncoding.JSON.decodeInto("{\"type\": \"FOO\"}".getBytes(StandardCharsets.UTF_8), builder).isEmpty());
        assertFalse(builder.hasType());
        assertEquals(Optional.of("Failed to convert JSON into Call protobuf: Missing required fields: "
                        + "subscribe.framework_info.user, subscribe.framework_info.name"),
                WireEncoding.JSON.decodeInto("{\"type\": \"SUBSCRIBE\", \"subscribe\": {\"framework_info\": {}}}"
                        .getBytes(StandardCharsets.UTF_8), org.apache.mesos.v1.scheduler.Protos.Call.newBuilder()));
    }
}
