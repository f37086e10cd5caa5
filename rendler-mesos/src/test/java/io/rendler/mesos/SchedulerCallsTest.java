package io.rendler.mesos;

import static io.rendler.mesos.MesosIds.agentId;
import static io.rendler.mesos.MesosIds.executorId;
import static io.rendler.mesos.MesosIds.frameworkId;
import static io.rendler.mesos.MesosIds.offerId;
import static io.rendler.mesos.MesosIds.taskId;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;

/**
 * The call factories build exactly what the real master accepted in the recorded sessions:
 * each test builds a call and compares its JSON tree with the recorded request body.
 */
class SchedulerCallsTest {

    private static final String FRAMEWORK = "22a69bbf-9b82-4b02-aff8-dfaa15d17080-0003";
    private static final String AGENT = "22a69bbf-9b82-4b02-aff8-dfaa15d17080-S0";

    private static void assertSameAsRecorded(String stem, Call built) {
        Call stamped = SchedulerCalls.withFrameworkId(built, frameworkId(recordedFrameworkId(stem)));
        JsonTrees.assertEquivalent(WireFixtures.exchange(stem).request().body(), MesosJson.toJson(stamped), stem);
    }

    private static String recordedFrameworkId(String stem) {
        JsonObject body = JsonTrees.parse(WireFixtures.exchange(stem).request().body()).getAsJsonObject();
        return body.has("framework_id") ? body.getAsJsonObject("framework_id").get("value").getAsString() : FRAMEWORK;
    }

    @Test
    void subscribeWithMultiRoleFrameworkInfo() {
        FrameworkInfo info = FrameworkInfos.create("wire-recorder-json", "root", "*", Duration.ofSeconds(60), false);
        Call subscribe = SchedulerCalls.subscribe(info);
        assertFalse(subscribe.hasFrameworkId(), "a first subscription has no framework id");
        JsonTrees.assertEquivalent(WireFixtures.exchange("scheduler-json/01-subscribe-json-stream").request().body(),
                MesosJson.toJson(subscribe), "first SUBSCRIBE");
    }

    @Test
    void resubscribeCarriesTheFrameworkIdTwice() {
        FrameworkInfo info = FrameworkInfos.withId(
                FrameworkInfos.create("wire-recorder-json", "root", "*", Duration.ofSeconds(60), false), frameworkId(FRAMEWORK));
        Call resubscribe = SchedulerCalls.subscribe(info);
        assertEquals(FRAMEWORK, resubscribe.getFrameworkId().getValue());
        JsonTrees.assertEquivalent(WireFixtures.exchange("scheduler-json/35-resubscribe-after-drop").request().body(),
                MesosJson.toJson(resubscribe), "resubscribe");
    }

    @Test
    void checkpointingFrameworkWithZeroFailoverTimeout() {
        FrameworkInfo info = FrameworkInfos.create("wire-recorder-json-2", "root", "*", Duration.ZERO, true);
        JsonTrees.assertEquivalent(
                WireFixtures.exchange("scheduler-json-decline-suppress-revive-failure/01-subscribe-json-stream").request().body(),
                MesosJson.toJson(SchedulerCalls.subscribe(info)), "SUBSCRIBE with checkpoint");
    }

    @Test
    void partitionAwareIsOptIn() {
        assertEquals(EnumSet.of(FrameworkInfo.Capability.Type.MULTI_ROLE), FrameworkInfos.DEFAULT_CAPABILITIES);
        // capabilities go out in the set's order; the recording lists MULTI_ROLE first
        FrameworkInfo info = FrameworkInfos.create("wire-recorder-json-clean", "root", "*", Duration.ZERO, false,
                new java.util.LinkedHashSet<>(List.of(FrameworkInfo.Capability.Type.MULTI_ROLE, FrameworkInfo.Capability.Type.PARTITION_AWARE)));
        JsonTrees.assertEquivalent(WireFixtures.exchange("scheduler-json-clean/00-subscribe-stream").request().body(),
                MesosJson.toJson(SchedulerCalls.subscribe(info)), "PARTITION_AWARE SUBSCRIBE");
    }

    @Test
    void frameworkInfoNeedsAUser() {
        assertThrows(IllegalArgumentException.class, () -> FrameworkInfos.create("rendler", "", "*", Duration.ofMinutes(5), false));
        assertThrows(IllegalArgumentException.class, () -> FrameworkInfos.create("rendler", null, "*", Duration.ofMinutes(5), false));
        assertFalse(FrameworkInfos.currentUser().isBlank());
    }

    @Test
    void failoverTimeoutIsInSeconds() {
        FrameworkInfo info = FrameworkInfos.create("rendler", "root", "*", Duration.ofMinutes(5), false);
        assertEquals(300.0, info.getFailoverTimeout());
        assertEquals(Duration.ofMinutes(5), FrameworkInfos.failoverTimeout(info));
    }

    @Test
    void acceptLaunchesTasks() throws IOException {
        String stem = "scheduler-json/14-accept-launch-task-1-custom-executor";
        Call recorded = MesosJson.parse(WireFixtures.exchange(stem).request().body(), Call.getDefaultInstance());
        List<TaskInfo> tasks = recorded.getAccept().getOperations(0).getLaunch().getTaskInfosList();
        Call accept = SchedulerCalls.accept(List.of(offerId("22a69bbf-9b82-4b02-aff8-dfaa15d17080-O3")),
                List.of(SchedulerCalls.launch(tasks)), SchedulerCalls.refuseFor(1));
        assertSameAsRecorded(stem, accept);
    }

    @Test
    void declineWithRefuseSeconds() {
        assertSameAsRecorded("scheduler-json/26-decline-with-filters-3600s",
                SchedulerCalls.decline(List.of(offerId("22a69bbf-9b82-4b02-aff8-dfaa15d17080-O5")), 3600));
        assertSameAsRecorded("scheduler-json-clean/03-decline-filters-60s",
                SchedulerCalls.decline(List.of(offerId("22a69bbf-9b82-4b02-aff8-dfaa15d17080-O0")), 60));
        String json = new String(MesosJson.toJson(SchedulerCalls.decline(List.of(offerId("o")), 5)), UTF_8);
        assertTrue(json.contains("\"filters\":{\"refuse_seconds\":5.0}"), json);
    }

    @Test
    void acknowledgeSendsTheUuidAsBase64OfTheRawBytes() {
        ByteString uuid = ByteString.copyFrom(Base64.getDecoder().decode("+ULmTYCUQgmF/HtZ+A7Wgw=="));
        assertSameAsRecorded("scheduler-json/15-ack-task-1-TASK_RUNNING",
                SchedulerCalls.acknowledge(agentId(AGENT), taskId("task-1"), uuid));
    }

    /** Straight from the recorded UPDATE events: ACK the ones with a uuid, and only those. */
    @Test
    void acknowledgementForRecordedUpdates() throws IOException {
        List<Event> events = recordedEvents("scheduler-json/01-subscribe-json-stream");
        Event running = events.get(3);
        assertEquals(Event.Type.UPDATE, running.getType());
        Optional<Call> ack = SchedulerCalls.acknowledgementFor(running.getUpdate().getStatus());
        assertTrue(ack.isPresent());
        assertSameAsRecorded("scheduler-json/15-ack-task-1-TASK_RUNNING", ack.get());

        Event reconciledUnknown = events.get(16);
        assertEquals("TASK_LOST", reconciledUnknown.getUpdate().getStatus().getState().name());
        assertEquals(Optional.empty(), SchedulerCalls.acknowledgementFor(reconciledUnknown.getUpdate().getStatus()));
    }

    @Test
    void reconcileExplicitAndImplicit() {
        assertSameAsRecorded("scheduler-json/23-reconcile-explicit-known-and-unknown", SchedulerCalls.reconcile(List.of(
                SchedulerCalls.reconcileTask(taskId("task-3"), agentId(AGENT)),
                SchedulerCalls.reconcileTask(taskId("no-such-task"), agentId(AGENT)),
                SchedulerCalls.reconcileTask(taskId("no-such-task-without-agent"), null))));
        assertSameAsRecorded("scheduler-json/22-reconcile-implicit", SchedulerCalls.reconcile(List.of()));
    }

    @Test
    void killShutdownAndMessage() {
        assertSameAsRecorded("scheduler-json/24-kill-task-3", SchedulerCalls.kill(taskId("task-3"), agentId(AGENT)));
        assertSameAsRecorded("scheduler-json/31-shutdown-executor-2",
                SchedulerCalls.shutdown(executorId("fake-exec-2-proto"), agentId(AGENT)));
        assertSameAsRecorded("scheduler-json/21-message-to-executor-1",
                SchedulerCalls.message(agentId(AGENT), executorId("fake-exec-1"), "hello-from-scheduler".getBytes(UTF_8)));
    }

    @Test
    void suppressReviveTeardown() {
        assertSameAsRecorded("scheduler-json/27-suppress", SchedulerCalls.suppress("*"));
        assertSameAsRecorded("scheduler-json/28-revive", SchedulerCalls.revive("*"));
        assertSameAsRecorded("scheduler-json-decline-suppress-revive-failure/04-suppress-no-roles-field", SchedulerCalls.suppress());
        assertSameAsRecorded("scheduler-json/37-teardown", SchedulerCalls.teardown());
    }

    /** Protobuf's JSON prints 64-bit integers as strings; Mesos only takes numbers there. */
    @Test
    void sixtyFourBitIntegersArePrintedAsJsonNumbers() throws IOException {
        Resource ports = Resource.newBuilder()
                .setName("ports")
                .setType(Value.Type.RANGES)
                .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(31000).setEnd(32000)))
                .build();
        TaskInfo task = TaskInfo.newBuilder().setName("t").setTaskId(taskId("t")).setAgentId(agentId(AGENT)).addResources(ports).build();
        Call accept = SchedulerCalls.accept(List.of(offerId("o")), List.of(SchedulerCalls.launch(List.of(task))), SchedulerCalls.refuseFor(1));
        String json = new String(MesosJson.toJson(accept), UTF_8);
        assertTrue(json.contains("\"range\":[{\"begin\":31000,\"end\":32000}]"), json);
        assertEquals(accept, MesosJson.parse(json.getBytes(UTF_8), Call.getDefaultInstance()));
    }

    @Test
    void uint64BeyondLongRangeStaysExact() throws IOException {
        Value.Range huge = Value.Range.newBuilder().setBegin(-1L).setEnd(-1L).build(); // 2^64 - 1 as uint64
        String json = new String(MesosJson.toJson(huge), UTF_8);
        assertEquals("{\"begin\":18446744073709551615,\"end\":18446744073709551615}", json);
        assertEquals(huge, MesosJson.parse(json.getBytes(UTF_8), Value.Range.getDefaultInstance()));
    }

    @Test
    void uuidBytesRoundTrip() {
        UUID uuid = UUID.randomUUID();
        ByteString bytes = ExecutorCalls.uuidBytes(uuid);
        assertEquals(16, bytes.size());
        assertEquals(uuid, ExecutorCalls.uuidOf(bytes));
        assertEquals(4, ExecutorCalls.uuidOf(bytes).version());
    }

    @Test
    void executorSubscribeMatchesTheRecording() {
        var subscribe = ExecutorCalls.subscribe(frameworkId(FRAMEWORK), executorId("fake-exec-1"), List.of(), List.of());
        JsonTrees.assertEquivalent(WireFixtures.exchange("executor/fake-exec-1-8567/00-subscribe-stream").request().body(),
                MesosJson.toJson(subscribe), "executor SUBSCRIBE");
    }

    @Test
    void emptyOfferListsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SchedulerCalls.decline(List.of(), 5));
        assertThrows(IllegalArgumentException.class, () -> SchedulerCalls.acknowledge(agentId(AGENT), taskId("t"), ByteString.EMPTY));
    }

    private static List<Event> recordedEvents(String stem) throws IOException {
        RecordIO.Reader reader = new RecordIO.Reader(new ByteArrayInputStream(WireFixtures.exchange(stem).responseBody()));
        List<Event> events = new ArrayList<>();
        for (Optional<byte[]> record = reader.next(); record.isPresent(); record = reader.next()) {
            events.add(MesosJson.parse(record.get(), Event.getDefaultInstance()));
        }
        return events;
    }
}
