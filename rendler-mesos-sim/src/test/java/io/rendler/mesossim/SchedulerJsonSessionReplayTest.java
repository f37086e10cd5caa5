package io.rendler.mesossim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replays the whole {@code scheduler-json/} session (README: 28 events on S1, the error calls,
 * three executors' worth of launches, failover, drop, teardown) with the REAL recorded executor,
 * {@code fake_executor.py}, run by the simulator's agent. Every answer, every significant event
 * and every call the executor makes must match the recording.
 */
class SchedulerJsonSessionReplayTest {

    private static final String FOLDER = "scheduler-json";
    private static MesosSimulator sim;
    private static ReplaySession session;
    private static RawClient.EventStreamReader s1;
    private static RawClient.EventStreamReader s2;
    private static RawClient.EventStreamReader s3;

    @BeforeAll
    static void replay() {
        sim = MesosSimulator.builder()
                .resources(2, 23081, 252899) // the recording agent's resources
                .mesosDefaultExecutorPath()
                .allocationInterval(Duration.ofMillis(200))
                .start();
        session = new ReplaySession(sim, FOLDER, "01-subscribe-json-stream.body");

        s1 = session.subscribe("01-subscribe-json-stream");
        s1.await(Events.type(Event.Type.OFFERS), 0, ReplaySession.WAIT, "the first OFFERS");
        try (Stream<String> errors = Stream.of(
                "01-err-no-stream-id", "02-err-wrong-stream-id", "03-err-content-type-json-charset-utf8", "04-err-GET",
                "05-err-unknown-framework-id", "06-err-unknown-framework-id-no-stream-id", "07-err-malformed-json",
                "08-err-no-content-type", "09-err-content-type-text-plain", "10-err-accept-text-plain-subscribe",
                "11-err-unknown-call-type", "12-err-missing-framework-id", "13-err-json-missing-type")) {
            errors.forEach(stem -> session.call("errors/" + stem));
        }

        session.mapNextOffer("O3", s1);
        session.call("14-accept-launch-task-1-custom-executor");
        session.acknowledge("15-ack-task-1-TASK_RUNNING", TaskState.TASK_RUNNING, s1);
        session.acknowledge("16-ack-task-1-TASK_FINISHED", TaskState.TASK_FINISHED, s1);

        session.mapNextOffer("O4", s1);
        session.call("17-accept-launch-task-2-and-3-same-executor");
        session.acknowledge("18-ack-task-2-TASK_RUNNING", TaskState.TASK_RUNNING, s1);
        session.acknowledge("19-ack-task-2-TASK_FINISHED", TaskState.TASK_FINISHED, s1);
        session.acknowledge("20-ack-task-3-TASK_RUNNING", TaskState.TASK_RUNNING, s1);

        int before = s1.records().size();
        session.call("21-message-to-executor-1");
        s1.await(Events.message("echo:hello-from-scheduler"), before, ReplaySession.WAIT, "the echo MESSAGE");
        before = s1.records().size();
        session.call("22-reconcile-implicit");
        s1.await(Events.update("task-3", TaskState.TASK_RUNNING), before, ReplaySession.WAIT, "implicit reconciliation");
        before = s1.records().size();
        session.call("23-reconcile-explicit-known-and-unknown");
        s1.await(Events.update("no-such-task-without-agent", TaskState.TASK_LOST), before, ReplaySession.WAIT, "explicit reconciliation");

        session.call("24-kill-task-3");
        session.acknowledge("25-ack-task-3-TASK_KILLED", TaskState.TASK_KILLED, s1);
        session.mapNextOffer("O5", s1);
        session.call("26-decline-with-filters-3600s");
        session.call("27-suppress");
        session.call("28-revive");
        session.mapNextOffer("O6", s1);
        session.call("29-accept-launch-task-4-executor-2-protobuf");
        session.acknowledge("30-ack-task-4-TASK_RUNNING", TaskState.TASK_RUNNING, s1);
        session.call("31-shutdown-executor-2");
        session.acknowledge("32-ack-task-4-TASK_KILLED", TaskState.TASK_KILLED, s1);
        s1.await(Events.failure(0), 0, ReplaySession.WAIT, "FAILURE status 0 after SHUTDOWN");
        session.call("33-message-to-executor-1-exit-3");
        s1.await(Events.failure(768), 0, ReplaySession.WAIT, "FAILURE status 768 after exit 3");

        s2 = session.subscribe("34-resubscribe-while-old-stream-open");
        s1.awaitEnd(ReplaySession.WAIT);
        s2.await(Events.type(Event.Type.OFFERS), 0, ReplaySession.WAIT, "OFFERS on S2");
        s2.close(); // README item 35: "S2's socket was closed by us"
        String frameworkId = session.toOurs.get(frameworkIdRecorded());
        sim.await(ReplaySession.WAIT, "the master to notice S2 is gone", () -> !sim.isFrameworkConnected(frameworkId));
        assertTrue(sim.isFrameworkRegistered(frameworkId), "failover_timeout 60 keeps the framework");

        s3 = session.subscribe("35-resubscribe-after-drop");
        s3.await(Events.type(Event.Type.OFFERS), 0, ReplaySession.WAIT, "OFFERS on S3");
        session.call("36-revive-with-stale-stream-id-S1");
        session.call("37-teardown");
        s3.awaitEnd(ReplaySession.WAIT);
    }

    private static String frameworkIdRecorded() {
        return Events.scheduler(WireFixtures.bodyRecords(FOLDER + "/01-subscribe-json-stream.body").get(0), WireEncoding.JSON)
                .getSubscribed().getFrameworkId().getValue();
    }

    @AfterAll
    static void stop() {
        Stream.of(s1, s2, s3).filter(s -> s != null).forEach(RawClient.EventStreamReader::close);
        if (sim != null) sim.close();
    }

    @Test
    void s1_carries_the_recorded_updates_messages_failures_and_error_in_order() {
        List<byte[]> recorded = WireFixtures.bodyRecords(FOLDER + "/01-subscribe-json-stream.body");
        assertEquals(session.significant(recorded, true), session.significant(s1.records(), false));
        ReplaySession.assertNoViolation(s1);
    }

    @Test
    void every_subscription_starts_with_subscribed_heartbeat_and_a_full_offer_as_recorded() {
        assertFirstThree("01-subscribe-json-stream.body", s1);
        assertFirstThree("34-resubscribe-while-old-stream-open.body", s2);
        assertFirstThree("35-resubscribe-after-drop.body", s3);
    }

    private static void assertFirstThree(String recordedBody, RawClient.EventStreamReader ours) {
        List<byte[]> recorded = WireFixtures.bodyRecords(FOLDER + "/" + recordedBody);
        for (int i = 0; i < 3; i++) {
            assertEquals(session.normalizeRecorded(recorded.get(i)), session.normalize(ours.records().get(i)), recordedBody + " #" + i);
        }
    }

    @Test
    void failover_ends_s1_with_error_and_zero_chunk_and_teardown_ends_s3_with_only_a_zero_chunk() {
        List<byte[]> records = s1.records();
        assertEquals(Event.Type.ERROR, Events.scheduler(records.get(records.size() - 1), WireEncoding.JSON).getType());
        assertEquals(RawClient.EventStreamReader.End.ZERO_CHUNK, s1.end());
        assertEquals(RawClient.EventStreamReader.End.ZERO_CHUNK, s3.end());
        assertTrue(s3.records().stream().noneMatch(r -> Events.scheduler(r, WireEncoding.JSON).getType() == Event.Type.ERROR));
        assertNotEquals(s1.header("Mesos-Stream-Id"), s2.header("Mesos-Stream-Id"));
        assertFalse(sim.isFrameworkRegistered(session.toOurs.get(frameworkIdRecorded())));
    }

    private static void assertNotEquals(String a, String b) {
        assertFalse(a.equals(b), "stream ids must differ");
    }

    @Test
    void the_executors_calls_get_the_recorded_answers() {
        StartedExecutor exec1 = executor("fake-exec-1");
        StartedExecutor exec2 = executor("fake-exec-2-proto");
        ExecutorTranscripts.assertCallsConform("executor/fake-exec-1-8567", exec1, session.toOurs.inverse());
        ExecutorTranscripts.assertCallsConform("executor/fake-exec-2-proto-8584", exec2, session.toOurs.inverse());
    }

    @Test
    void the_executors_streams_carry_the_recorded_events() {
        ExecutorTranscripts.assertStreamConforms("executor/fake-exec-1-8567", executor("fake-exec-1"), WireEncoding.JSON,
                json -> session.normalize(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        ExecutorTranscripts.assertStreamConforms("executor/fake-exec-2-proto-8584", executor("fake-exec-2-proto"),
                WireEncoding.PROTOBUF, json -> session.normalize(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void the_executor_environment_has_exactly_the_recorded_keys() {
        for (Map.Entry<String, String> pair : Map.of("fake-exec-1", "executor-env-8567.txt",
                "fake-exec-2-proto", "executor-env-8584.txt").entrySet()) {
            StartedExecutor executor = executor(pair.getKey());
            Map<String, String> recorded = ExecutorTranscripts.environment(WireFixtures.path(pair.getValue()));
            Map<String, String> ours = ExecutorTranscripts.environment(ExecutorTranscripts.environmentDump(executor));
            assertEquals(recorded.keySet(), ours.keySet(), pair.getKey());
            for (String same : Set.of("PATH", "LC_CTYPE", "LIBPROCESS_IP", "LIBPROCESS_PORT", "MESOS_CHECKPOINT",
                    "MESOS_EXECUTOR_ID", "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "MESOS_HTTP_COMMAND_EXECUTOR")) {
                assertEquals(recorded.get(same), ours.get(same), same);
            }
            String sandbox = executor.sandbox().toString();
            assertEquals(sandbox, ours.get("MESOS_SANDBOX"));
            assertEquals(sandbox, ours.get("MESOS_DIRECTORY"));
            assertEquals(sandbox, ours.get("PWD"));
            assertEquals(sim.agentEndpoint(), ours.get("MESOS_AGENT_ENDPOINT"));
            assertEquals("slave(1)@" + sim.agentEndpoint(), ours.get("MESOS_SLAVE_PID"));
            assertEquals(sim.agentId(), ours.get("MESOS_SLAVE_ID"));
            assertEquals(executor.frameworkId(), ours.get("MESOS_FRAMEWORK_ID"));
        }
    }

    private static StartedExecutor executor(String id) {
        return sim.startedExecutors().stream().filter(e -> e.executorId().equals(id)).findFirst().orElseThrow();
    }
}
