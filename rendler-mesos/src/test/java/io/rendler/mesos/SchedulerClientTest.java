package io.rendler.mesos;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rendler.mesos.ScriptedHttpServer.EventStream;
import io.rendler.mesos.ScriptedHttpServer.Fixed;
import io.rendler.mesos.ScriptedHttpServer.Reply;
import io.rendler.mesos.ScriptedHttpServer.Request;
import io.rendler.mesos.ScriptedHttpServer.Streamed;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The scheduler client against a raw-socket server that replays the recorded master streams. */
class SchedulerClientTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String JSON_STREAM = "scheduler-json/01-subscribe-json-stream";
    private static final String RECORDED_STREAM_ID = "144fe078-b18e-4ffa-8693-3a1711d26639";
    private static final String RECORDED_FRAMEWORK_ID = "22a69bbf-9b82-4b02-aff8-dfaa15d17080-0003";
    private static final FrameworkInfo INFO =
            FrameworkInfos.create("wire-recorder-json", "root", "*", Duration.ofSeconds(60), false);

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final RecordingListener listener = new RecordingListener();
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final List<Throwable> fatalErrors = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : cleanup) closeable.close();
        assertEquals(List.of(), fatalErrors, "no unexpected failures");
    }

    @Test
    void deliversTheRecordedJsonStreamInOrderAndStopsOnFrameworkFailedOver() throws Exception {
        FakeMaster master = new FakeMaster();
        List<byte[]> records = recordedRecords(JSON_STREAM);
        master.nextSubscribe(streamOf(records, RECORDED_STREAM_ID, MesosEncoding.JSON, true));
        SchedulerClient client = start(master.config());

        assertEquals("subscribed " + RECORDED_FRAMEWORK_ID, listener.next());
        List<String> expected = new ArrayList<>();
        for (String type : WireFixtures.exchange(JSON_STREAM).recordedEventTypes().subList(1, records.size() - 1)) {
            expected.add("event " + type);
        }
        assertEquals(expected, listener.next(expected.size()));
        assertEquals("stopped Mesos sent ERROR: Framework failed over", listener.next());
        assertEquals(1, master.subscribes().size(), "no resubscription after ERROR");
        assertEquals(RECORDED_FRAMEWORK_ID, client.frameworkId().orElseThrow().getValue());

        Request subscribe = master.subscribes().get(0);
        assertEquals("POST", subscribe.method());
        assertEquals("/api/v1/scheduler", subscribe.path());
        assertEquals("application/json", subscribe.header("Content-Type"), "exactly, no charset");
        assertEquals("application/json", subscribe.header("Accept"));
        assertNull(subscribe.header("Mesos-Stream-Id"));
        JsonTrees.assertEquivalent(MesosJson.toJson(SchedulerCalls.subscribe(INFO)), subscribe.body(), "SUBSCRIBE body");
    }

    @Test
    void deliversTheRecordedProtobufStreamThenResubscribesWithTheSameFrameworkId() throws Exception {
        FakeMaster master = new FakeMaster();
        String stem = "scheduler-protobuf-clean/00-subscribe-stream";
        List<byte[]> records = recordedRecords(stem);
        master.nextSubscribe(streamOf(records, "d76713b3-bdf9-43d2-bf35-a1c558e29e88", MesosEncoding.PROTOBUF, true));
        EventStream second = new EventStream().send(records.get(0)).send(records.get(1));
        master.nextSubscribe(new Streamed(streamHeaders("second-stream", MesosEncoding.PROTOBUF), second));
        SchedulerClient client = start(master.config().withEncoding(MesosEncoding.PROTOBUF));

        String frameworkId = "22a69bbf-9b82-4b02-aff8-dfaa15d17080-0002";
        assertEquals("subscribed " + frameworkId, listener.next());
        assertEquals(List.of("event HEARTBEAT", "event OFFERS", "event HEARTBEAT", "event UPDATE", "event UPDATE"), listener.next(5));
        assertEquals("disconnected the master closed the event stream", listener.next());
        assertEquals("subscribed " + frameworkId, listener.next());
        assertEquals("event HEARTBEAT", listener.next());
        assertEquals(Optional.of("second-stream"), client.streamId());

        Request resubscribe = master.subscribes().get(1);
        assertEquals("application/x-protobuf", resubscribe.header("Content-Type"));
        Call call = Call.parseFrom(resubscribe.body());
        assertEquals(frameworkId, call.getFrameworkId().getValue());
        assertEquals(frameworkId, call.getSubscribe().getFrameworkInfo().getId().getValue());
        assertEquals(1, sleeps.size(), "one backoff wait before resubscribing");

        client.close();
        assertEquals("stopped client closed", listener.next());
    }

    @Test
    void callsGoOnTheirOwnConnectionWithStreamIdAndFrameworkId() throws Exception {
        FakeMaster master = new FakeMaster();
        EventStream stream = subscribedStream(15.0);
        master.nextSubscribe(new Streamed(streamHeaders(RECORDED_STREAM_ID, MesosEncoding.JSON), stream));
        SchedulerClient client = start(master.config());
        assertEquals("subscribed " + RECORDED_FRAMEWORK_ID, listener.next());

        client.send(SchedulerCalls.revive("*"));
        Request revive = master.await(Call.Type.REVIVE);
        assertEquals(RECORDED_STREAM_ID, revive.header("Mesos-Stream-Id"));
        assertEquals("application/json", revive.header("Content-Type"));
        Call sent = MesosJson.parse(revive.body(), Call.getDefaultInstance());
        assertEquals(RECORDED_FRAMEWORK_ID, sent.getFrameworkId().getValue());
        assertEquals(List.of("*"), sent.getRevive().getRolesList());
    }

    @Test
    void errorAnswersBecomeExceptionsWithStatusAndText() throws Exception {
        FakeMaster master = new FakeMaster();
        master.nextSubscribe(new Streamed(streamHeaders(RECORDED_STREAM_ID, MesosEncoding.JSON), subscribedStream(15.0)));
        SchedulerClient client = start(master.config());
        assertEquals("subscribed " + RECORDED_FRAMEWORK_ID, listener.next());

        for (String stem : List.of("scheduler-json/errors/05-err-unknown-framework-id",
                "scheduler-json/errors/03-err-content-type-json-charset-utf8",
                "scheduler-json/36-revive-with-stale-stream-id-S1")) {
            WireFixtures.Exchange recorded = WireFixtures.exchange(stem);
            String text = new String(recorded.responseBody(), UTF_8);
            master.callReply.set(Fixed.text(recorded.status(), "Recorded", text));
            MesosHttpException error = assertThrows(MesosHttpException.class, () -> client.send(SchedulerCalls.revive()));
            assertEquals(recorded.status(), error.status());
            assertEquals(text, error.body());
            assertTrue(error.getMessage().contains("REVIVE") && error.getMessage().contains(" " + recorded.status() + ": ")
                    && error.getMessage().contains(text), error.getMessage());
        }
        master.callReply.set(Fixed.text(403, "Forbidden", "Framework is not subscribed"));
        MesosHttpException forbidden = assertThrows(MesosHttpException.class, () -> client.send(SchedulerCalls.suppress()));
        assertEquals(403, forbidden.status());
        assertTrue(forbidden.isClientError());
    }

    @Test
    void followsA307ToTheLeadingMasterAndSendsCallsThere() throws Exception {
        FakeMaster leader = new FakeMaster();
        leader.nextSubscribe(new Streamed(streamHeaders(RECORDED_STREAM_ID, MesosEncoding.JSON), subscribedStream(15.0)));
        FakeMaster follower = new FakeMaster();
        // Mesos answers with a protocol-relative Location
        follower.nextSubscribe(Fixed.redirect("//" + leader.server.hostPort() + "/api/v1/scheduler"));
        SchedulerClient client = start(follower.config());
        assertEquals("subscribed " + RECORDED_FRAMEWORK_ID, listener.next());

        client.send(SchedulerCalls.suppress("*"));
        leader.await(Call.Type.SUPPRESS);
        assertEquals(1, follower.server.requests().size(), "only the SUBSCRIBE went to the non-leader");
        assertEquals(1, leader.subscribes().size());
    }

    @Test
    void heartbeatsKeepTheStreamAliveAndSilenceEndsIt() throws Exception {
        FakeMaster master = new FakeMaster();
        EventStream first = subscribedStream(0.1);
        master.nextSubscribe(new Streamed(streamHeaders("s1", MesosEncoding.JSON), first));
        master.nextSubscribe(new Streamed(streamHeaders("s2", MesosEncoding.JSON), subscribedStream(15.0)));
        // a call timeout shorter than the stream's life must not cut the stream
        MutableClock clock = new MutableClock();
        SchedulerClient client = new SchedulerClient(master.config().withCallTimeout(Duration.ofMillis(200)), INFO, listener,
                MesosHttp.newClient(), sleeps::add, clock, () -> 0.5, this::recordFatal);
        cleanup.add(client);
        client.start();
        assertEquals("subscribed " + RECORDED_FRAMEWORK_ID, listener.next());

        // The watchdog measures silence on the client's clock, which only the test moves: 0.6 s in
        // 50 ms beats, twice the allowed silence, however slowly the machine runs.
        byte[] heartbeat = "{\"type\":\"HEARTBEAT\"}".getBytes(UTF_8);
        for (int i = 0; i < 12; i++) {
            first.send(heartbeat);
            assertEquals("event HEARTBEAT", listener.next(), "each heartbeat reaches the listener, and nothing else");
            clock.advance(Duration.ofMillis(50));
        }
        // now silence: past 3 intervals of 0.1 s the watchdog gives up on the stream
        clock.advance(Duration.ofMillis(301));
        String disconnected = listener.next();
        assertTrue(disconnected.startsWith("disconnected no event from the master for"), disconnected);
        assertEquals("subscribed " + RECORDED_FRAMEWORK_ID, listener.next());
        Call resubscribe = MesosJson.parse(master.subscribes().get(1).body(), Call.getDefaultInstance());
        assertEquals(RECORDED_FRAMEWORK_ID, resubscribe.getFrameworkId().getValue());
        assertEquals(RECORDED_FRAMEWORK_ID, resubscribe.getSubscribe().getFrameworkInfo().getId().getValue());
        assertEquals(Optional.of("s2"), client.streamId());
    }

    @Test
    void aRejectedSubscribeStopsTheClient() throws Exception {
        FakeMaster master = new FakeMaster();
        WireFixtures.Exchange recorded = WireFixtures.exchange("scheduler-json/errors/10-err-accept-text-plain-subscribe");
        master.nextSubscribe(Fixed.text(recorded.status(), "Not Acceptable", new String(recorded.responseBody(), UTF_8)));
        start(master.config());
        String stopped = listener.next();
        assertTrue(stopped.startsWith("stopped SUBSCRIBE rejected: SUBSCRIBE to http://") && stopped.contains("406: Expecting 'Accept'"), stopped);
    }

    @Test
    void aSubscribeAnsweredWithAnHtmlPageStopsTheClientAtOnce() throws Exception {
        FakeMaster proxy = new FakeMaster();
        proxy.nextSubscribe(new Fixed(200, "OK", Map.of("Content-Type", "text/html; charset=utf-8"),
                "<!DOCTYPE html><html><body><form action=/login>Sign in</form></body></html>".getBytes(UTF_8)));
        start(proxy.config());
        assertEquals("stopped SUBSCRIBE to " + proxy.server.baseUri() + "/api/v1/scheduler was answered 200 with text/html; charset=utf-8,"
                + " not a Mesos event stream; is that address a Mesos master, and not a proxy or another service?", listener.next());
        assertEquals(1, proxy.subscribes().size(), "no retries against something that is not a master");
        assertEquals(List.of(), sleeps);
    }

    @Test
    void aJsonAnswerWithoutAStreamIdIsNotAMaster() throws Exception {
        FakeMaster other = new FakeMaster();
        other.nextSubscribe(new Fixed(200, "OK", Map.of("Content-Type", "application/json"), "{\"status\":\"ok\"}".getBytes(UTF_8)));
        start(other.config());
        String stopped = listener.next();
        assertTrue(stopped.contains("was answered 200 with no Mesos-Stream-Id header, not a Mesos event stream"), stopped);
        assertEquals(1, other.subscribes().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://[::1", "ftp://127.0.0.1:21/api/v1/scheduler", "file:///etc/passwd", "javascript:alert(1)",
            "http://", "mailto:ops@example.org", "%%%", "http ://x"})
    void a307ToAnUnusableLocationStopsTheClientWithOneLine(String location) throws Exception {
        FakeMaster follower = new FakeMaster();
        follower.nextSubscribe(Fixed.redirect(location));
        start(follower.config());
        String stopped = listener.next();
        assertTrue(stopped.startsWith("stopped 307 from " + follower.server.baseUri() + "/api/v1/scheduler to '" + location + "', which is not"),
                stopped);
        assertFalse(stopped.contains("\n"), stopped);
        assertEquals(1, follower.subscribes().size());
        assertEquals(List.of(), sleeps);
    }

    @Test
    void anUpdateWithAUuidButNoAgentIdStopsTheClientBeforeTheListenerSeesIt() throws Exception {
        FakeMaster master = new FakeMaster();
        EventStream stream = subscribedStream(15.0);
        master.nextSubscribe(new Streamed(streamHeaders(RECORDED_STREAM_ID, MesosEncoding.JSON), stream));
        start(master.config());
        assertEquals("subscribed " + RECORDED_FRAMEWORK_ID, listener.next());
        // A reconciliation answer has neither uuid nor agent_id, and needs no acknowledgement: it passes.
        stream.send(update("crawl-0-1", false, false));
        assertEquals("event UPDATE", listener.next());
        stream.send(update("crawl-0-1", true, true));
        assertEquals("event UPDATE", listener.next());
        stream.send(update("crawl-0-1", true, false));
        assertEquals("stopped Mesos sent an UPDATE for task crawl-0-1 with a uuid but no agent_id, which cannot be acknowledged",
                listener.next());
        assertEquals(1, master.subscribes().size(), "no resubscription to a master that breaks the protocol");
    }

    private static byte[] update(String taskId, boolean uuid, boolean agentId) {
        TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(MesosIds.taskId(taskId)).setState(TaskState.TASK_FINISHED);
        if (uuid) status.setUuid(ExecutorCalls.uuidBytes(java.util.UUID.randomUUID()));
        if (agentId) status.setAgentId(MesosIds.agentId("S0"));
        return MesosJson.toJson(Event.newBuilder().setType(Event.Type.UPDATE)
                .setUpdate(Event.Update.newBuilder().setStatus(status)).build());
    }

    @Test
    void anUnavailableMasterIsRetriedWithGrowingCappedBackoffUntilTheDeadline() throws Exception {
        // A master that answers 503 (electing a leader) may heal, so it gets the whole deadline.
        FakeMaster unavailable = new FakeMaster();
        MutableClock clock = new MutableClock();
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8));
        SchedulerClient.Config config = unavailable.config().withBackoff(backoff).withGiveUpAfter(Duration.ofSeconds(60));
        SchedulerClient client = new SchedulerClient(config, FrameworkInfos.create("r", "root", "*", Duration.ZERO, false), listener,
                MesosHttp.newClient(), duration -> { sleeps.add(duration); clock.advance(duration); }, clock, () -> 1.0, this::recordFatal);
        cleanup.add(client);
        client.start();
        String stopped = listener.next();
        assertTrue(stopped.startsWith("stopped could not subscribe within 60 s; last failure: SUBSCRIBE rejected"), stopped);
        assertEquals(Duration.ofSeconds(1), sleeps.get(0));
        assertEquals(Duration.ofSeconds(2), sleeps.get(1));
        assertEquals(Duration.ofSeconds(4), sleeps.get(2));
        assertTrue(sleeps.stream().allMatch(d -> d.compareTo(Duration.ofSeconds(8)) <= 0), sleeps.toString());
    }

    @Test
    void aMasterThatRefusesTheFirstContactIsReportedAfterTheGraceNotTheDeadline() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        MutableClock clock = new MutableClock();
        SchedulerClient.Config config = SchedulerClient.Config.defaults(URI.create("http://127.0.0.1:" + closedPort))
                .withGiveUpAfter(Duration.ofSeconds(60));
        SchedulerClient client = new SchedulerClient(config, FrameworkInfos.create("r", "root", "*", Duration.ZERO, false), listener,
                MesosHttp.newClient(), duration -> { sleeps.add(duration); clock.advance(duration); }, clock, () -> 1.0, this::recordFatal);
        cleanup.add(client);
        client.start();
        String stopped = listener.next();
        assertTrue(stopped.startsWith("stopped cannot reach http://127.0.0.1:" + closedPort), stopped);
        assertTrue(stopped.toLowerCase(java.util.Locale.ROOT).contains("refused"), stopped);
        Duration waited = sleeps.stream().reduce(Duration.ZERO, Duration::plus);
        assertTrue(waited.compareTo(SchedulerClient.FIRST_CONTACT_GRACE) >= 0 && waited.compareTo(Duration.ofSeconds(5)) < 0,
                "a few quick retries, then the reason; waited " + waited);
    }

    @Test
    void aMasterNameThatDoesNotResolveIsReportedAfterTheGrace() throws Exception {
        MutableClock clock = new MutableClock();
        SchedulerClient.Config config = SchedulerClient.Config.defaults(URI.create("http://no-such-master.invalid:5050"));
        SchedulerClient client = new SchedulerClient(config, FrameworkInfos.create("r", "root", "*", Duration.ZERO, false), listener,
                MesosHttp.newClient(), duration -> { sleeps.add(duration); clock.advance(duration); }, clock, () -> 1.0, this::recordFatal);
        cleanup.add(client);
        client.start();
        String stopped = listener.next();
        assertTrue(stopped.startsWith("stopped cannot reach http://no-such-master.invalid:5050"), stopped);
        assertTrue(sleeps.stream().reduce(Duration.ZERO, Duration::plus).compareTo(Duration.ofSeconds(5)) < 0, sleeps.toString());
    }

    @Test
    void basicAuthGoesOnEveryRequest() throws Exception {
        FakeMaster master = new FakeMaster();
        master.nextSubscribe(new Streamed(streamHeaders(RECORDED_STREAM_ID, MesosEncoding.JSON), subscribedStream(15.0)));
        SchedulerClient client = start(master.config().withCredential(new SchedulerClient.Credential("rendler", "s3cret")));
        assertEquals("subscribed " + RECORDED_FRAMEWORK_ID, listener.next());
        client.send(SchedulerCalls.revive());
        master.await(Call.Type.REVIVE);
        String expected = "Basic " + Base64.getEncoder().encodeToString("rendler:s3cret".getBytes(UTF_8));
        for (Request request : master.server.requests()) assertEquals(expected, request.header("Authorization"));
        assertFalse(new SchedulerClient.Credential("rendler", "s3cret").toString().contains("s3cret"));
    }

    @Test
    void theStreamEndingAfterTeardownIsNotADisconnection() throws Exception {
        FakeMaster master = new FakeMaster();
        EventStream stream = subscribedStream(15.0);
        master.nextSubscribe(new Streamed(streamHeaders(RECORDED_STREAM_ID, MesosEncoding.JSON), stream));
        SchedulerClient client = start(master.config());
        assertEquals("subscribed " + RECORDED_FRAMEWORK_ID, listener.next());
        client.send(SchedulerCalls.teardown());
        stream.end(); // what the master does after TEARDOWN: a zero chunk and no event
        assertEquals("stopped framework torn down", listener.next());
        assertTrue(client.awaitStopped(WAIT));
        assertEquals(1, master.subscribes().size());
    }

    @Test
    void aRejectedTeardownLeavesTheClientRunning() throws Exception {
        FakeMaster master = new FakeMaster();
        EventStream stream = subscribedStream(15.0);
        master.nextSubscribe(new Streamed(streamHeaders(RECORDED_STREAM_ID, MesosEncoding.JSON), stream));
        master.nextSubscribe(new Streamed(streamHeaders("s2", MesosEncoding.JSON), subscribedStream(15.0)));
        SchedulerClient client = start(master.config());
        assertEquals("subscribed " + RECORDED_FRAMEWORK_ID, listener.next());
        master.callReply.set(Fixed.text(400, "Bad Request", "Framework cannot be found"));
        assertThrows(MesosHttpException.class, () -> client.send(SchedulerCalls.teardown()));
        stream.end();
        assertEquals("disconnected the master closed the event stream", listener.next());
        assertEquals("subscribed " + RECORDED_FRAMEWORK_ID, listener.next());
    }

    @Test
    void closeFromInsideACallbackStopsWithoutDeadlock() throws Exception {
        FakeMaster master = new FakeMaster();
        master.nextSubscribe(new Streamed(streamHeaders(RECORDED_STREAM_ID, MesosEncoding.JSON), subscribedStream(15.0)));
        AtomicReference<SchedulerClient> self = new AtomicReference<>();
        RecordingListener closing = new RecordingListener() {
            @Override
            public void subscribed(FrameworkID frameworkId, Event.Subscribed subscribed) {
                super.subscribed(frameworkId, subscribed);
                self.get().close();
            }
        };
        SchedulerClient client = new SchedulerClient(master.config(), INFO, closing, MesosHttp.newClient(), sleeps::add,
                Clock.systemUTC(), () -> 0.5, this::recordFatal);
        self.set(client);
        cleanup.add(client);
        client.start();
        assertEquals("subscribed " + RECORDED_FRAMEWORK_ID, closing.next());
        assertEquals("stopped client closed", closing.next());
        assertEquals(1, master.subscribes().size());
    }

    @Test
    void closingAClientThatNeverStartedReleasesWaiters() throws Exception {
        SchedulerClient client = new SchedulerClient(SchedulerClient.Config.defaults(URI.create("http://127.0.0.1:1")), INFO, listener);
        client.close();
        assertTrue(client.awaitStopped(Duration.ZERO));
    }

    @Test
    void sendingBetweenSubscriptionsFailsClearly() {
        SchedulerClient client = new SchedulerClient(SchedulerClient.Config.defaults(URI.create("http://127.0.0.1:1")), INFO, listener);
        SchedulerClient.NotSubscribedException error =
                assertThrows(SchedulerClient.NotSubscribedException.class, () -> client.send(SchedulerCalls.revive()));
        assertTrue(error.getMessage().contains("REVIVE"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> client.send(SchedulerCalls.subscribe(INFO)));
    }

    @Test
    void aListenerThatThrowsIsFatal() throws Exception {
        FakeMaster master = new FakeMaster();
        master.nextSubscribe(new Streamed(streamHeaders(RECORDED_STREAM_ID, MesosEncoding.JSON), subscribedStream(15.0)));
        SchedulerClient.Listener broken = new RecordingListener() {
            @Override
            public void subscribed(FrameworkID frameworkId, Event.Subscribed subscribed) {
                throw new IllegalStateException("bug in the core");
            }
        };
        SchedulerClient client = new SchedulerClient(master.config(), INFO, broken, MesosHttp.newClient(), sleeps::add,
                Clock.systemUTC(), () -> 0.5, this::recordFatal);
        cleanup.add(client);
        client.start();
        assertTrue(client.awaitStopped(WAIT));
        assertEquals(1, fatalErrors.size());
        assertEquals("bug in the core", fatalErrors.get(0).getMessage());
        fatalErrors.clear();
    }

    @Test
    void masterAddressesWithoutSchemeMeanHttp() {
        assertEquals(URI.create("http://10.0.0.5:5050"), SchedulerClient.Config.masterUri("10.0.0.5:5050"));
        assertEquals(URI.create("https://m:5050"), SchedulerClient.Config.masterUri("https://m:5050"));
        assertEquals(URI.create("http://10.0.0.5:5050/api/v1/scheduler"),
                SchedulerClient.Config.defaults(URI.create("http://10.0.0.5:5050")).endpoint());
    }

    @Test
    void backoffStaysWithinHalfToAllOfTheCappedCeiling() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        assertEquals(Duration.ofMillis(250), backoff.delay(0, 0.0));
        assertEquals(Duration.ofMillis(500), backoff.delay(0, 1.0));
        assertEquals(Duration.ofSeconds(4), backoff.delay(3, 1.0));
        assertEquals(Duration.ofSeconds(30), backoff.delay(40, 1.0));
        assertEquals(Duration.ofSeconds(15), backoff.delay(1000, 0.0));
    }

    // ---- helpers ----

    private SchedulerClient start(SchedulerClient.Config config) {
        SchedulerClient client = new SchedulerClient(config, INFO, listener, MesosHttp.newClient(), sleeps::add,
                Clock.systemUTC(), () -> 0.5, this::recordFatal);
        cleanup.add(client);
        client.start();
        return client;
    }

    private void recordFatal(String where, Throwable failure) {
        fatalErrors.add(failure);
    }

    /** A fresh stream holding the recorded SUBSCRIBED with the given heartbeat interval. */
    private static EventStream subscribedStream(double heartbeatSeconds) throws IOException {
        Event recorded = MesosJson.parse(recordedRecords(JSON_STREAM).get(0), Event.getDefaultInstance());
        Event subscribed = recorded.toBuilder()
                .setSubscribed(recorded.getSubscribed().toBuilder().setHeartbeatIntervalSeconds(heartbeatSeconds))
                .build();
        return new EventStream().send(MesosJson.toJson(subscribed));
    }

    private static Streamed streamOf(List<byte[]> records, String streamId, MesosEncoding encoding, boolean endAfter) {
        EventStream stream = new EventStream();
        records.forEach(stream::send);
        if (endAfter) stream.end();
        return new Streamed(streamHeaders(streamId, encoding), stream);
    }

    private static Map<String, String> streamHeaders(String streamId, MesosEncoding encoding) {
        // the recorded order: Date, Transfer-Encoding, Mesos-Stream-Id, Content-Type
        return new java.util.LinkedHashMap<>(Map.of("Mesos-Stream-Id", streamId, "Content-Type", encoding.mediaType()));
    }

    static List<byte[]> recordedRecords(String stem) throws IOException {
        RecordIO.Reader reader = new RecordIO.Reader(new ByteArrayInputStream(WireFixtures.exchange(stem).responseBody()));
        List<byte[]> records = new ArrayList<>();
        for (Optional<byte[]> record = reader.next(); record.isPresent(); record = reader.next()) records.add(record.get());
        return records;
    }

    /** Scripted master: queued replies for SUBSCRIBE, one settable reply for every other call. */
    private final class FakeMaster {
        final BlockingQueue<Reply> subscribeReplies = new LinkedBlockingQueue<>();
        final AtomicReference<Fixed> callReply = new AtomicReference<>(Fixed.accepted());
        final ScriptedHttpServer server;

        FakeMaster() throws IOException {
            server = new ScriptedHttpServer(this::route);
            cleanup.add(server);
        }

        void nextSubscribe(Reply reply) {
            subscribeReplies.add(reply);
        }

        SchedulerClient.Config config() {
            return SchedulerClient.Config.defaults(server.baseUri());
        }

        List<Request> subscribes() {
            return server.requests().stream().filter(r -> typeOf(r) == Call.Type.SUBSCRIBE).toList();
        }

        Request await(Call.Type type) throws InterruptedException {
            return server.await(r -> typeOf(r) == type, WAIT);
        }

        private Reply route(Request request) {
            if (typeOf(request) != Call.Type.SUBSCRIBE) return callReply.get();
            Reply reply = subscribeReplies.poll();
            return reply != null ? reply : Fixed.text(503, "Service Unavailable", "no more scripted subscriptions");
        }

        private static Call.Type typeOf(Request request) {
            try {
                return MesosEncoding.ofContentType(request.header("Content-Type")).decode(request.body(), Call.getDefaultInstance()).getType();
            } catch (IOException e) {
                return Call.Type.UNKNOWN;
            }
        }
    }

    /** Turns callbacks into short lines ("event OFFERS") a test can wait for in order. */
    private static class RecordingListener implements SchedulerClient.Listener {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        @Override
        public void subscribed(FrameworkID frameworkId, Event.Subscribed subscribed) {
            lines.add("subscribed " + frameworkId.getValue());
        }

        @Override
        public void event(Event event) {
            lines.add("event " + event.getType());
        }

        @Override
        public void disconnected(String reason) {
            lines.add("disconnected " + reason);
        }

        @Override
        public void stopped(String reason) {
            lines.add("stopped " + reason);
        }

        String next() throws InterruptedException {
            String line = lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) throw new AssertionError("no listener callback within " + WAIT);
            return line;
        }

        List<String> next(int count) throws InterruptedException {
            List<String> taken = new ArrayList<>();
            for (int i = 0; i < count; i++) taken.add(next());
            return taken;
        }
    }

    /** A clock tests move by hand. */
    private static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-23T07:42:39Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
