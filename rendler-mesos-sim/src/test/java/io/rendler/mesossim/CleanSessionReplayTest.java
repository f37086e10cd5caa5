package io.rendler.mesossim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.List;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code scheduler-json-clean/} and {@code scheduler-protobuf-clean/}: a PARTITION_AWARE framework
 * with failover_timeout 0, in each encoding. Explicit reconciliation of unknown tasks gives
 * TASK_GONE and TASK_UNKNOWN (README surprise 4), a malformed body gives 400, TEARDOWN ends the
 * stream with a 0-chunk and the framework leaves /state.
 */
class CleanSessionReplayTest {

    @ParameterizedTest
    @CsvSource({"scheduler-json-clean, O0", "scheduler-protobuf-clean, O2"})
    void the_clean_session_replays_as_recorded(String folder, String recordedOffer) {
        try (MesosSimulator sim = MesosSimulator.builder().resources(2, 23081, 252899)
                .allocationInterval(Duration.ofMillis(200)).start()) {
            ReplaySession session = new ReplaySession(sim, folder, "00-subscribe-stream.body");
            try (RawClient.EventStreamReader stream = session.subscribe("00-subscribe-stream")) {
                stream.await(Events.type(Event.Type.OFFERS, session.encoding()), 0, ReplaySession.WAIT, "OFFERS");
                session.call("01-reconcile-explicit-unknown-tasks");
                session.call("02-err-malformed-body");
                session.mapNextOffer(recordedOffer, stream);
                session.call("03-decline-filters-60s");
                session.call("04-teardown");
                stream.awaitEnd(ReplaySession.WAIT);

                List<byte[]> recorded = WireFixtures.bodyRecords(folder + "/00-subscribe-stream.body");
                for (int i = 0; i < 3; i++) {
                    assertEquals(session.normalizeRecorded(recorded.get(i)), session.normalize(stream.records().get(i)),
                            "SUBSCRIBED, HEARTBEAT, OFFERS #" + i);
                }
                assertEquals(session.significant(recorded, true), session.significant(stream.records(), false),
                        "the two reconciliation updates");
                assertEquals(RawClient.EventStreamReader.End.ZERO_CHUNK, stream.end());
                ReplaySession.assertNoViolation(stream);
                assertFalse(sim.isFrameworkRegistered(session.toOurs.get(recordedFrameworkId(session, folder))));
            }
        }
    }

    private static String recordedFrameworkId(ReplaySession session, String folder) {
        byte[] first = WireFixtures.bodyRecords(folder + "/00-subscribe-stream.body").get(0);
        return Events.scheduler(first, session.encoding()).getSubscribed().getFrameworkId().getValue();
    }
}
