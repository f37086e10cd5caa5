package io.rendler.mesossim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each fault the simulator can inject, and that the master reacts to it as Mesos does. */
class FaultInjectionTest {

    private MesosSimulator sim;

    @BeforeEach
    void start() {
        sim = MesosSimulator.builder()
                .allocationInterval(Duration.ofMillis(100))
                .executorShutdownGracePeriod(Duration.ofSeconds(2))
                .start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void a_dropped_scheduler_keeps_its_tasks_and_gets_queued_updates_again_with_the_same_uuid() {
        try (TestScheduler scheduler = TestScheduler.subscribe(sim, TestScheduler.framework("drop", 30))) {
            scheduler.launch(scheduler.awaitOffer(0), scheduler.fakeExecutorTask("hold-1", "fake-exec-a", "hold"));
            scheduler.acknowledge(scheduler.awaitUpdate("hold-1", TaskState.TASK_RUNNING, 0));
            String oldStreamId = scheduler.streamId();

            sim.dropSchedulerConnection();
            scheduler.stream.awaitEnd(TestScheduler.WAIT);
            assertEquals(RawClient.EventStreamReader.End.EOF_WITHOUT_ZERO_CHUNK, scheduler.stream.end());
            sim.await(TestScheduler.WAIT, "disconnect noticed", () -> !sim.isFrameworkConnected(scheduler.frameworkId));
            assertTrue(sim.isFrameworkRegistered(scheduler.frameworkId), "inside failover_timeout");
            RawClient.Response refused = scheduler.callWithStreamId(Call.newBuilder().setType(Call.Type.REVIVE), oldStreamId);
            assertEquals(403, refused.status());
            assertEquals("Framework is not subscribed", refused.bodyText());

            // An update born while nobody listens: the executor dies under the running task.
            assertEquals(1, sim.killExecutor("fake-exec"));
            sim.await(TestScheduler.WAIT, "TASK_FAILED", () -> sim.taskState("hold-1").orElse(null) == TaskState.TASK_FAILED);

            scheduler.disconnect();
            scheduler.resubscribe();
            TaskStatus first = scheduler.awaitUpdate("hold-1", TaskState.TASK_FAILED, 0);
            assertEquals(TaskStatus.Source.SOURCE_AGENT, first.getSource());
            assertEquals(TaskStatus.Reason.REASON_EXECUTOR_TERMINATED, first.getReason());
            assertEquals("Executor terminated", first.getMessage());

            scheduler.disconnect(); // not acknowledged, so the next subscription hears it again
            sim.await(TestScheduler.WAIT, "second disconnect", () -> !sim.isFrameworkConnected(scheduler.frameworkId));
            scheduler.resubscribe();
            TaskStatus again = scheduler.awaitUpdate("hold-1", TaskState.TASK_FAILED, 0);
            assertEquals(first.getUuid(), again.getUuid());
            scheduler.acknowledge(again);
            sim.await(TestScheduler.WAIT, "task forgotten after the ACK", () -> sim.taskState("hold-1").isEmpty());
            assertEquals(0, sim.ignoredAcknowledgements());
        }
    }

    @Test
    void failover_timeout_zero_removes_the_framework_at_once_and_shuts_its_executor_down() throws Exception {
        try (TestScheduler scheduler = TestScheduler.subscribe(sim, TestScheduler.framework("no-failover", 0))) {
            scheduler.launch(scheduler.awaitOffer(0), scheduler.fakeExecutorTask("hold-2", "fake-exec-b", "hold"));
            scheduler.acknowledge(scheduler.awaitUpdate("hold-2", TaskState.TASK_RUNNING, 0));
            long pid = sim.startedExecutors().get(0).pid();
            assertTrue(stateJson().contains(scheduler.frameworkId), "/state lists the running framework");

            sim.dropSchedulerConnection(scheduler.frameworkId);
            sim.await(TestScheduler.WAIT, "framework removed", () -> !sim.isFrameworkRegistered(scheduler.frameworkId));
            // The executor hears SHUTDOWN, answers TASK_KILLED (dropped: nobody to tell) and exits 0.
            sim.await(TestScheduler.WAIT, "executor process gone", () -> ProcessHandle.of(pid).isEmpty());
            assertFalse(stateJson().contains("\"frameworks\":[{"), "/state has no registered framework left");
        }
    }

    @Test
    void failover_timeout_expiry_removes_the_framework() {
        try (TestScheduler scheduler = TestScheduler.subscribe(sim, TestScheduler.framework("short-failover", 0.4))) {
            scheduler.disconnect();
            sim.await(TestScheduler.WAIT, "disconnect noticed", () -> !sim.isFrameworkConnected(scheduler.frameworkId));
            assertTrue(sim.isFrameworkRegistered(scheduler.frameworkId));
            sim.await(Duration.ofSeconds(5), "failover timeout", () -> !sim.isFrameworkRegistered(scheduler.frameworkId));
        }
    }

    @Test
    void a_killed_executor_reports_the_signal_as_status_then_task_failed() {
        try (TestScheduler scheduler = TestScheduler.subscribe(sim, TestScheduler.framework("kill", 10))) {
            scheduler.launch(scheduler.awaitOffer(0), scheduler.shellTask("sleeper", "shell-exec-1", "sleep 30"));
            sim.await(TestScheduler.WAIT, "process started", () -> !sim.startedExecutors().isEmpty());
            assertEquals(1, sim.killExecutor("shell-exec"));
            int failure = scheduler.await(Events.failure(9), 0, "FAILURE with SIGKILL as raw status");
            TaskStatus failed = scheduler.awaitUpdate("sleeper", TaskState.TASK_FAILED, failure);
            assertTrue(failed.hasUuid());
            assertEquals("shell-exec-1", failed.getExecutorId().getValue());
        }
    }

    @Test
    void framework_messages_can_be_dropped() {
        try (TestScheduler scheduler = TestScheduler.subscribe(sim, TestScheduler.framework("lossy", 10))) {
            sim.dropNextFrameworkMessages(1);
            scheduler.launch(scheduler.awaitOffer(0), scheduler.fakeExecutorTask("finish-1", "fake-exec-c", "finish"));
            scheduler.acknowledge(scheduler.awaitUpdate("finish-1", TaskState.TASK_RUNNING, 0));
            scheduler.awaitUpdate("finish-1", TaskState.TASK_FINISHED, 0);
            assertEquals(1, sim.droppedFrameworkMessages());
            assertTrue(scheduler.stream.records().stream().noneMatch(Events.type(Event.Type.MESSAGE)));

            sim.dropFrameworkMessagesWhere(data -> new String(data).contains("secret"));
            scheduler.message("fake-exec-c", "secret");
            scheduler.message("fake-exec-c", "public");
            scheduler.await(Events.message("echo:public"), 0, "the echo that was not filtered");
            assertEquals(2, sim.droppedFrameworkMessages());
        }
    }

    @Test
    void a_non_leading_master_redirects_with_a_protocol_relative_location() {
        try (MesosSimulator follower = MesosSimulator.start()) {
            follower.redirectToLeader(sim);
            byte[] subscribe = new TestSchedulerRequests(follower).subscribe();
            RawClient.Response redirect = RawClient.exchange(follower.masterPort(), subscribe);
            assertEquals("HTTP/1.1 307 Temporary Redirect", redirect.statusLine());
            assertEquals("//" + sim.masterAddress() + "/api/v1/scheduler", redirect.header("Location"));
            assertEquals(java.util.List.of("Date", "Location", "Content-Length"), redirect.headerNames());

            follower.becomeLeader();
            try (RawClient.EventStreamReader stream = RawClient.openStream(follower.masterPort(), subscribe)) {
                assertEquals("HTTP/1.1 200 OK", stream.statusLine);
            }
        }
    }

    @Test
    void heartbeats_can_be_paused_and_resumed() {
        try (MesosSimulator fast = MesosSimulator.builder().heartbeatInterval(Duration.ofMillis(100)).start();
             TestScheduler scheduler = TestScheduler.subscribe(fast, TestScheduler.framework("beats", 0))) {
            assertEquals(0.1, scheduler.event(0).getSubscribed().getHeartbeatIntervalSeconds());
            scheduler.await(Events.type(Event.Type.HEARTBEAT), 3, "a periodic HEARTBEAT");
            fast.pauseHeartbeats();
            ReplaySession.sleep(Duration.ofMillis(150)); // one may already be queued
            int paused = heartbeats(scheduler);
            ReplaySession.sleep(Duration.ofMillis(500));
            assertEquals(paused, heartbeats(scheduler), "no HEARTBEAT while paused");
            fast.resumeHeartbeats();
            int from = scheduler.size();
            scheduler.await(Events.type(Event.Type.HEARTBEAT), from, "HEARTBEAT after resume");
        }
    }

    @Test
    void outstanding_offers_can_be_rescinded() {
        try (TestScheduler scheduler = TestScheduler.subscribe(sim, TestScheduler.framework("rescind", 0))) {
            Offer offer = scheduler.awaitOffer(0);
            sim.rescindOffers();
            Event rescind = scheduler.event(scheduler.await(Events.type(Event.Type.RESCIND), 0, "RESCIND"));
            assertEquals(offer.getId(), rescind.getRescind().getOfferId());
        }
    }

    private static int heartbeats(TestScheduler scheduler) {
        return (int) scheduler.stream.records().stream().filter(Events.type(Event.Type.HEARTBEAT)).count();
    }

    private String stateJson() throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        return client.send(java.net.http.HttpRequest.newBuilder(sim.stateEndpoint()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Request bytes for a simulator whose framework we do not track. */
    private record TestSchedulerRequests(MesosSimulator target) {
        byte[] subscribe() {
            String body = "{\"type\": \"SUBSCRIBE\", \"subscribe\": {\"framework_info\": {\"user\": \"root\", \"name\": \"r\"}}}";
            return ("POST /api/v1/scheduler HTTP/1.1\r\nHost: " + target.masterAddress()
                    + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }
}
