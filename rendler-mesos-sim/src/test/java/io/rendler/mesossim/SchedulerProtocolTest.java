package io.rendler.mesossim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rendler.mesos.RecordIO;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Master behaviour the transcripts imply but did not record, checked against Mesos' sources. */
class SchedulerProtocolTest {

    private MesosSimulator sim;

    @BeforeEach
    void start() {
        sim = MesosSimulator.builder().allocationInterval(Duration.ofMillis(100)).start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void subscribe_refuses_a_stream_id_and_acknowledge_refuses_a_bad_uuid() {
        try (TestScheduler scheduler = TestScheduler.subscribe(sim, TestScheduler.framework("checks", 0))) {
            Call subscribe = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
                    .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(scheduler.info)).build();
            RawClient.Response withStreamId = RawClient.exchange(sim.masterPort(), scheduler.request(subscribe, "x"));
            assertEquals(400, withStreamId.status());
            assertEquals("Subscribe calls should not include the 'Mesos-Stream-Id' header", withStreamId.bodyText());

            RawClient.Response badUuid = scheduler.call(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE)
                    .setAcknowledge(Call.Acknowledge.newBuilder()
                            .setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue(sim.agentId()))
                            .setTaskId(org.apache.mesos.v1.Protos.TaskID.newBuilder().setValue("t"))
                            .setUuid(com.google.protobuf.ByteString.copyFrom(new byte[16]))));
            assertEquals(400, badUuid.status());
            assertEquals("Failed to validate scheduler::Call: Not a valid UUID", badUuid.bodyText());
        }
    }

    @Test
    void a_torn_down_framework_cannot_come_back() {
        try (TestScheduler scheduler = TestScheduler.subscribe(sim, TestScheduler.framework("gone", 60))) {
            scheduler.accepted(Call.newBuilder().setType(Call.Type.TEARDOWN));
            scheduler.stream.awaitEnd(TestScheduler.WAIT);
            assertEquals(RawClient.EventStreamReader.End.ZERO_CHUNK, scheduler.stream.end());
            Call again = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
                    .setFrameworkId(org.apache.mesos.v1.Protos.FrameworkID.newBuilder().setValue(scheduler.frameworkId))
                    .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(scheduler.info.toBuilder()
                            .setId(org.apache.mesos.v1.Protos.FrameworkID.newBuilder().setValue(scheduler.frameworkId))))
                    .build();
            try (RawClient.EventStreamReader refused = RawClient.openStream(sim.masterPort(), scheduler.request(again, null))) {
                assertEquals("HTTP/1.1 200 OK", refused.statusLine);
                int error = refused.await(Events.type(Event.Type.ERROR), 0, TestScheduler.WAIT, "ERROR");
                assertEquals("Framework has been removed",
                        Events.scheduler(refused.records().get(error), WireEncoding.JSON).getError().getMessage());
                refused.awaitEnd(TestScheduler.WAIT);
                assertEquals(RawClient.EventStreamReader.End.ZERO_CHUNK, refused.end());
            }
        }
    }

    @Test
    void invalid_launches_get_master_updates_without_uuid() {
        try (TestScheduler plain = TestScheduler.subscribe(sim, TestScheduler.framework("plain", 0))) {
            Offer offer = plain.awaitOffer(0);
            org.apache.mesos.v1.Protos.TaskInfo huge = plain.shellTask("huge", "e1", "true").toBuilder()
                    .clearResources().addResources(TestScheduler.scalar("cpus", 64)).build();
            plain.launch(offer, huge);
            TaskStatus error = plain.awaitUpdate("huge", TaskState.TASK_ERROR, 0);
            assertEquals(TaskStatus.Reason.REASON_TASK_INVALID, error.getReason());
            assertEquals(TaskStatus.Source.SOURCE_MASTER, error.getSource());
            assertFalse(error.hasUuid(), "master-made updates need no ACK");
            assertTrue(error.getMessage().startsWith("Total resources cpus(allocated: *):64"), error.getMessage());

            plain.launch(offer, plain.shellTask("stale", "e2", "true")); // the offer was used up above
            TaskStatus lost = plain.awaitUpdate("stale", TaskState.TASK_LOST, 0);
            assertEquals(TaskStatus.Reason.REASON_INVALID_OFFERS, lost.getReason());
            assertEquals("Task launched with invalid offers: Offer " + offer.getId().getValue() + " is no longer valid",
                    lost.getMessage());
        }
        try (TestScheduler aware = TestScheduler.subscribe(sim,
                TestScheduler.framework("aware", 0, FrameworkInfo.Capability.Type.PARTITION_AWARE))) {
            aware.launch(Offer.newBuilder(aware.awaitOffer(0)).setId(OfferID.newBuilder().setValue("no-such-offer")).build(),
                    aware.shellTask("dropped", "e3", "true"));
            assertEquals(TaskStatus.Reason.REASON_INVALID_OFFERS,
                    aware.awaitUpdate("dropped", TaskState.TASK_DROPPED, 0).getReason());
        }
    }

    /** README surprise 11: a refusal filter holds back only offers that lie wholly inside it. */
    @Test
    void a_filter_blocks_only_resources_inside_the_refused_set() {
        try (TestScheduler scheduler = TestScheduler.subscribe(sim, TestScheduler.framework("filters", 0))) {
            Offer all = scheduler.awaitOffer(0);
            // The unused 1.8 cpus are refused for an hour; the task's executor exits at once.
            Offer.Operation.Launch launch = Offer.Operation.Launch.newBuilder()
                    .addTaskInfos(scheduler.shellTask("brief", "brief-exec", "exit 0")).build();
            scheduler.accepted(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
                    .addOfferIds(all.getId())
                    .setFilters(org.apache.mesos.v1.Protos.Filters.newBuilder().setRefuseSeconds(3600))
                    .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH).setLaunch(launch))));
            int failure = scheduler.await(Events.failure(0), 0, "FAILURE 0: a clean exit is reported too");
            Offer superset = scheduler.awaitOffer(failure);
            assertEquals(2.0, cpus(superset), "freed 0.2 plus the refused 1.8: not a subset, so offered");
        }
    }

    private static double cpus(Offer offer) {
        return offer.getResourcesList().stream().filter(r -> r.getName().equals("cpus"))
                .mapToDouble(r -> r.getScalar().getValue()).sum();
    }

    /** The agent forwards a task's next update only after the previous one is acknowledged. */
    @Test
    void a_tasks_updates_are_delivered_one_at_a_time() {
        try (TestScheduler scheduler = TestScheduler.subscribe(sim, TestScheduler.framework("ordered", 0))) {
            scheduler.launch(scheduler.awaitOffer(0), scheduler.fakeExecutorTask("one", "fake-exec-o", "finish"));
            TaskStatus running = scheduler.awaitUpdate("one", TaskState.TASK_RUNNING, 0);
            Offer withExecutor = scheduler.awaitOffer(3);
            assertEquals(List.of("fake-exec-o"), withExecutor.getExecutorIdsList().stream().map(e -> e.getValue()).toList(),
                    "offers name the framework's running executors (README surprise 8)");
            sim.await(TestScheduler.WAIT, "the executor's FINISHED", () -> sim.taskState("one").orElse(null) == TaskState.TASK_FINISHED);
            assertTrue(scheduler.stream.records().stream().noneMatch(Events.update("one", TaskState.TASK_FINISHED)),
                    "FINISHED waits behind the unacknowledged RUNNING");
            scheduler.acknowledge(running);
            scheduler.acknowledge(scheduler.awaitUpdate("one", TaskState.TASK_FINISHED, 0));
        }
    }

    @Test
    void protobuf_streams_follow_the_accept_header() {
        Call subscribe = Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
                .setFrameworkInfo(TestScheduler.framework("pb", 0))).build();
        byte[] body = subscribe.toByteArray();
        byte[] head = ("POST /api/v1/scheduler HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                + "Accept: application/x-protobuf\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        try (RawClient.EventStreamReader stream = RawClient.openStream(sim.masterPort(), request)) {
            assertEquals("application/x-protobuf", stream.header("Content-Type"));
            stream.await(Events.type(Event.Type.OFFERS, WireEncoding.PROTOBUF), 0, TestScheduler.WAIT, "protobuf OFFERS");
            Event subscribed = Events.scheduler(stream.records().get(0), WireEncoding.PROTOBUF);
            assertEquals(3, subscribed.getSubscribed().getMasterInfo().getCapabilitiesCount(), "QUOTA_V2 rides as unknown field");
        }
    }

    @Test
    void connections_are_kept_alive_between_calls() throws Exception {
        try (TestScheduler scheduler = TestScheduler.subscribe(sim, TestScheduler.framework("keepalive", 0));
             Socket socket = new Socket("127.0.0.1", sim.masterPort())) {
            byte[] revive = scheduler.request(Call.newBuilder().setType(Call.Type.REVIVE)
                    .setFrameworkId(org.apache.mesos.v1.Protos.FrameworkID.newBuilder().setValue(scheduler.frameworkId))
                    .build(), scheduler.streamId());
            socket.getOutputStream().write(revive);
            socket.getOutputStream().write(revive);
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            assertEquals(202, RawClient.read(in).status());
            assertEquals(202, RawClient.read(in).status());
        }
    }

    /** The JDK client the project uses must be happy with our chunking and keep-alive. */
    @Test
    void the_jdk_http_client_can_subscribe_and_call() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        byte[] subscribe = MesosJsonWriter.write(Call.newBuilder().setType(Call.Type.SUBSCRIBE).setSubscribe(
                Call.Subscribe.newBuilder().setFrameworkInfo(TestScheduler.framework("jdk", 0))).build());
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(sim.schedulerEndpoint())
                        .header("Content-Type", "application/json").header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(subscribe)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        String streamId = response.headers().firstValue("Mesos-Stream-Id").orElseThrow();
        try (InputStream body = response.body()) {
            RecordIO.Reader reader = new RecordIO.Reader(body);
            Event subscribed = Events.scheduler(reader.next().orElseThrow(), WireEncoding.JSON);
            assertEquals(Event.Type.HEARTBEAT, Events.scheduler(reader.next().orElseThrow(), WireEncoding.JSON).getType());
            String frameworkId = subscribed.getSubscribed().getFrameworkId().getValue();
            for (int i = 0; i < 2; i++) {
                byte[] revive = MesosJsonWriter.write(Call.newBuilder().setType(Call.Type.REVIVE)
                        .setFrameworkId(org.apache.mesos.v1.Protos.FrameworkID.newBuilder().setValue(frameworkId)).build());
                HttpResponse<String> accepted = client.send(HttpRequest.newBuilder(sim.schedulerEndpoint())
                        .header("Content-Type", "application/json").header("Mesos-Stream-Id", streamId)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(revive)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(202, accepted.statusCode());
            }
            assertEquals(Event.Type.OFFERS, Events.scheduler(reader.next().orElseThrow(), WireEncoding.JSON).getType());
        }
    }

    @Test
    void version_answers_with_the_recorded_body() throws Exception {
        HttpResponse<String> version = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(java.net.URI.create("http://" + sim.masterAddress() + "/version")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(WireFixtures.text("mesos-version.json"), version.body());
        assertEquals(List.of("application/json"), version.headers().allValues("Content-Type"));
    }
}
