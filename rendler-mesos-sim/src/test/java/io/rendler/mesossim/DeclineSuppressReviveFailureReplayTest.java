package io.rendler.mesossim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;

/**
 * {@code scheduler-json-decline-suppress-revive-failure/}: a checkpointing framework declines
 * everything for an hour (no offers), SUPPRESS keeps it quiet, REVIVE brings an offer at once, then
 * the real fake executor exits 5 under a running task: FAILURE 1280, then TASK_FAILED from the
 * agent (README surprise 2); KILL of an unknown task reconciles to TASK_LOST.
 */
class DeclineSuppressReviveFailureReplayTest {

    private static final String FOLDER = "scheduler-json-decline-suppress-revive-failure";

    @Test
    void the_session_replays_as_recorded() {
        Duration allocation = Duration.ofMillis(150);
        try (MesosSimulator sim = MesosSimulator.builder().resources(2, 23081, 252899).mesosDefaultExecutorPath()
                .allocationInterval(allocation).start()) {
            ReplaySession session = new ReplaySession(sim, FOLDER, "01-subscribe-json-stream.body");
            try (RawClient.EventStreamReader stream = session.subscribe("01-subscribe-json-stream")) {
                session.mapNextOffer("O14", stream);
                session.call("01-decline-all-with-filters-3600s");
                int before = stream.records().size();
                ReplaySession.sleep(allocation.multipliedBy(5));
                assertTrue(stream.records().subList(before, stream.records().size()).stream()
                        .noneMatch(Events.type(Event.Type.OFFERS)), "the 3600 s filter holds everything back");

                session.call("02-suppress");
                before = stream.records().size();
                session.call("03-revive");
                stream.await(Events.type(Event.Type.OFFERS), before, Duration.ofMillis(100), "OFFERS right after REVIVE");
                session.call("04-suppress-no-roles-field");
                session.mapNextOffer("O15", stream);
                session.call("05-accept-launch-task-5-hold");
                session.acknowledge("06-ack-task-5-TASK_RUNNING", TaskState.TASK_RUNNING, stream);
                session.call("07-message-to-executor-3-exit-5");
                stream.await(Events.failure(1280), 0, ReplaySession.WAIT, "FAILURE 1280");
                session.acknowledge("08-ack-task-5-TASK_FAILED", TaskState.TASK_FAILED, stream);
                session.call("09-kill-unknown-task");
                stream.await(Events.update("no-such-task", TaskState.TASK_LOST), 0, ReplaySession.WAIT, "TASK_LOST");
                session.call("10-teardown");
                stream.awaitEnd(ReplaySession.WAIT);

                List<byte[]> recorded = WireFixtures.bodyRecords(FOLDER + "/01-subscribe-json-stream.body");
                assertEquals(session.significant(recorded, true), session.significant(stream.records(), false));
                assertEquals(RawClient.EventStreamReader.End.ZERO_CHUNK, stream.end());
                ReplaySession.assertNoViolation(stream);

                StartedExecutor executor = sim.startedExecutors().get(0);
                ExecutorTranscripts.assertCallsConform("executor/fake-exec-3-8908", executor, session.toOurs.inverse());
                ExecutorTranscripts.assertStreamConforms("executor/fake-exec-3-8908", executor, WireEncoding.JSON,
                        json -> session.normalize(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                Map<String, String> recordedEnv = ExecutorTranscripts.environment(WireFixtures.path("executor-env-8908.txt"));
                Map<String, String> ourEnv = ExecutorTranscripts.environment(ExecutorTranscripts.environmentDump(executor));
                assertEquals(recordedEnv.keySet(), ourEnv.keySet(), "checkpointing adds MESOS_RECOVERY_TIMEOUT and ..._BACKOFF_MAX");
                for (String key : List.of("MESOS_CHECKPOINT", "MESOS_RECOVERY_TIMEOUT", "MESOS_SUBSCRIPTION_BACKOFF_MAX", "PATH")) {
                    assertEquals(recordedEnv.get(key), ourEnv.get(key), key);
                }
            }
        }
    }
}
