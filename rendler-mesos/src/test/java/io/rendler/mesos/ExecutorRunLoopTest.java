package io.rendler.mesos;

import static io.rendler.mesos.MesosIds.taskId;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.rendler.common.Boundary;
import io.rendler.common.CrawlResult;
import io.rendler.common.MessageCodec;
import io.rendler.common.PageLimits;
import io.rendler.common.ResultMessage;
import io.rendler.common.TaskHandler;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import io.rendler.mesos.ScriptedHttpServer.EventStream;
import io.rendler.mesos.ScriptedHttpServer.Fixed;
import io.rendler.mesos.ScriptedHttpServer.Reply;
import io.rendler.mesos.ScriptedHttpServer.Request;
import io.rendler.mesos.ScriptedHttpServer.Streamed;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.mesos.v1.Protos.TaskGroupInfo;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;
import org.apache.mesos.v1.executor.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shared executor run loop against a fake agent: a raw-socket server that serves scripted
 * event streams (starting from the recorded SUBSCRIBED) and records every call.
 */
class ExecutorRunLoopTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String FRAMEWORK_ID = "22a69bbf-9b82-4b02-aff8-dfaa15d17080-0003";
    private static final String EXECUTOR_ID = "fake-exec-1";
    private static final String RECORDED_STREAM = "executor/fake-exec-1-8567/00-subscribe-stream";

    private final BlockingQueue<EventStream> streams = new LinkedBlockingQueue<>();
    private final BlockingQueue<Request> calls = new LinkedBlockingQueue<>();
    private final List<Request> subscribes = new CopyOnWriteArrayList<>();
    private final List<Throwable> fatalErrors = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final ExecutorService runner = Executors.newSingleThreadExecutor();
    private final ScriptedHandler handler = new ScriptedHandler(2);
    private ScriptedHttpServer agent;
    private volatile Duration slowFinishedReply = Duration.ZERO;
    /** Most tests report TASK_RUNNING as each task starts, so every task's updates come in a known order. */
    private Duration runningAfter = Duration.ZERO;
    /** How many TASK_FINISHED updates are answered 503, as an agent still recovering answers. */
    private final AtomicInteger refusedFinished = new AtomicInteger();
    /** How many SUBSCRIBEs get a web page instead of a stream, as from a proxy in front of the agent. */
    private final AtomicInteger htmlAnswers = new AtomicInteger();

    @BeforeEach
    void startAgent() throws IOException {
        agent = new ScriptedHttpServer(this::route);
    }

    @AfterEach
    void stopAgent() throws IOException {
        agent.close();
        runner.shutdownNow();
        assertEquals(List.of(), fatalErrors);
    }

    private Reply route(Request request) {
        Call call = decode(request);
        if (call.getType() != Call.Type.SUBSCRIBE) {
            calls.add(request);
            if (call.getType() == Call.Type.UPDATE && call.getUpdate().getStatus().getState() == TaskState.TASK_FINISHED) {
                sleepQuietly(slowFinishedReply);
                if (refusedFinished.getAndDecrement() > 0) return Fixed.text(503, "Service Unavailable", "Agent has not finished recovery");
            }
            return Fixed.accepted();
        }
        subscribes.add(request);
        if (htmlAnswers.getAndDecrement() > 0) {
            return new Fixed(200, "OK", Map.of("Content-Type", "text/html"), "<html>please log in</html>".getBytes(UTF_8));
        }
        EventStream stream = streams.poll();
        if (stream == null) return Fixed.text(503, "Service Unavailable", "no scripted stream");
        return new Streamed(Map.of("Content-Type", "application/json"), stream);
    }

    @Test
    void aFinishedTaskReportsRunningThenMessageThenFinishedWithTheResult() throws Exception {
        EventStream stream = subscribedStream().send(launch("task-1", "http://ok/"));
        Future<Integer> exit = start(env(Map.of()));

        Call running = nextCall();
        Call message = nextCall();
        Call finished = nextCall();
        assertUpdate(running, "task-1", TaskState.TASK_RUNNING);
        assertEquals(Call.Type.MESSAGE, message.getType());
        assertUpdate(finished, "task-1", TaskState.TASK_FINISHED);

        byte[] expected = MessageCodec.encode(handler.resultFor("task-1", "http://ok/"));
        assertArrayEquals(expected, message.getMessage().getData().toByteArray(), "MESSAGE carries the encoded result");
        assertArrayEquals(expected, finished.getUpdate().getStatus().getData().toByteArray(), "and so does TASK_FINISHED");
        assertEquals("task-1", MessageCodec.decodeResult(finished.getUpdate().getStatus().getData().toByteArray()).taskId());
        assertFalse(running.getUpdate().getStatus().getUuid().equals(finished.getUpdate().getStatus().getUuid()), "fresh uuid per update");

        stream.send(shutdownEvent());
        assertEquals(ExecutorRunLoop.EXIT_SHUTDOWN, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(log().contains("task task-1 TASK_FINISHED in "), log());
        assertTrue(log().contains("http://ok/"), log());

        Request subscribe = subscribes.get(0);
        assertEquals("/api/v1/executor", subscribe.path());
        assertEquals("application/json", subscribe.header("Content-Type"));
        assertEquals("application/json", subscribe.header("Accept"));
        assertNull(subscribe.header("Authorization"));
        assertTrue(handler.closed, "the handler is closed on exit");
    }

    @Test
    void aTaskDoneBeforeTheRunningDelayIsNeverReportedRunning() throws Exception {
        runningAfter = Duration.ofHours(1);
        EventStream stream = subscribedStream().send(launch("quick", "http://ok/")).send(launch("broken", "http://boom/"));
        Future<Integer> exit = start(env(Map.of()), new ScriptedHandler(1));
        assertEquals(Call.Type.MESSAGE, nextCall().getType());
        assertUpdate(nextCall(), "quick", TaskState.TASK_FINISHED);
        assertUpdate(nextCall(), "broken", TaskState.TASK_FAILED);
        stream.send(shutdownEvent());
        assertEquals(0, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(calls.isEmpty(), "no TASK_RUNNING after the tasks ended: " + calls.size());
    }

    @Test
    void aTaskStillAtWorkAfterTheRunningDelayIsReportedRunningBeforeItEnds() throws Exception {
        runningAfter = Duration.ofMillis(20);
        ScriptedHandler single = new ScriptedHandler(1);
        EventStream stream = subscribedStream().send(launch("slow", "http://block/")).send(launch("queued", "http://block/"));
        Future<Integer> exit = start(env(Map.of()), single);
        assertUpdate(nextCall(), "slow", TaskState.TASK_RUNNING); // blocks until killed, so only the delay sends this
        stream.send(killEvent("queued"));
        assertUpdate(nextCall(), "queued", TaskState.TASK_KILLED); // never started, so never reported running
        stream.send(killEvent("slow"));
        assertUpdate(nextCall(), "slow", TaskState.TASK_KILLED);
        stream.send(shutdownEvent());
        assertEquals(0, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(List.of("slow"), single.startedTasks());
    }

    @Test
    void anUpdateTheAgentRefusesIsSentAgainUntilItIsTaken() throws Exception {
        refusedFinished.set(2);
        EventStream stream = subscribedStream().send(launch("task-1", "http://ok/"));
        Future<Integer> exit = start(env(Map.of()));
        assertUpdate(nextCall(), "task-1", TaskState.TASK_RUNNING);
        assertEquals(Call.Type.MESSAGE, nextCall().getType());
        Call refused = nextCall();
        assertUpdate(refused, "task-1", TaskState.TASK_FINISHED);
        assertEquals(refused, nextCall(), "sent again, same uuid");
        assertEquals(refused, nextCall(), "and again, taken this time");
        stream.send(acknowledged(refused.getUpdate().getStatus()));
        stream.send(shutdownEvent());
        assertEquals(0, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(calls.isEmpty(), "not sent after it was taken: " + calls.size());
        assertTrue(log().contains("answered 503: Agent has not finished recovery; sending it again in 250 ms"), log());
    }

    @Test
    void aHandlerExceptionFailsTheTaskWithAOneLineReason() throws Exception {
        EventStream stream = subscribedStream().send(launch("task-2", "http://boom/"));
        Future<Integer> exit = start(env(Map.of()));
        assertUpdate(nextCall(), "task-2", TaskState.TASK_RUNNING);
        Call failed = nextCall();
        assertUpdate(failed, "task-2", TaskState.TASK_FAILED);
        assertEquals("IOException: connection reset by peer", failed.getUpdate().getStatus().getMessage());
        stream.send(shutdownEvent());
        assertEquals(0, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(log().contains("task task-2 TASK_FAILED"), log());
    }

    @Test
    void killInterruptsARunningTaskAndSkipsAQueuedOne() throws Exception {
        ScriptedHandler single = new ScriptedHandler(1);
        EventStream stream = subscribedStream().send(launch("slow", "http://block/")).send(launch("queued", "http://block/"));
        Future<Integer> exit = start(env(Map.of()), single);
        assertUpdate(nextCall(), "slow", TaskState.TASK_RUNNING);
        assertTrue(single.started.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));

        stream.send(killEvent("queued"));
        Call killedQueued = nextCall();
        assertUpdate(killedQueued, "queued", TaskState.TASK_KILLED);
        stream.send(killEvent("slow"));
        assertUpdate(nextCall(), "slow", TaskState.TASK_KILLED);
        assertTrue(single.interrupted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the running handler was interrupted");

        stream.send(killEvent("never-launched"));
        stream.send(shutdownEvent());
        assertEquals(0, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(List.of("slow"), single.startedTasks(), "the queued task never ran");
        assertTrue(calls.isEmpty(), "no update after the kills, and none for an unknown task: " + calls.size());
        assertTrue(log().contains("KILL for task never-launched, which is not running here"), log());
    }

    @Test
    void shutdownKillsEveryTaskReportsThemAndExitsZero() throws Exception {
        EventStream stream = subscribedStream().send(launch("a", "http://block/")).send(launch("b", "http://block/"));
        Future<Integer> exit = start(env(Map.of()));
        Set<String> running = new HashSet<>();
        for (int i = 0; i < 2; i++) { // two task threads start them, in either order
            Call update = nextCall();
            assertEquals(TaskState.TASK_RUNNING, update.getUpdate().getStatus().getState());
            running.add(update.getUpdate().getStatus().getTaskId().getValue());
        }
        assertEquals(Set.of("a", "b"), running);
        stream.send(shutdownEvent());
        Set<String> killed = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            Call update = nextCall();
            assertEquals(TaskState.TASK_KILLED, update.getUpdate().getStatus().getState());
            killed.add(update.getUpdate().getStatus().getTaskId().getValue());
        }
        assertEquals(Set.of("a", "b"), killed);
        assertEquals(ExecutorRunLoop.EXIT_SHUTDOWN, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void aTaskFinishingAsShutdownArrivesStillGetsItsUpdateOut() throws Exception {
        slowFinishedReply = Duration.ofMillis(500);
        EventStream stream = subscribedStream().send(launch("late", "http://ok/"));
        Future<Integer> exit = start(env(Map.of()));
        assertUpdate(nextCall(), "late", TaskState.TASK_RUNNING);
        assertEquals(Call.Type.MESSAGE, nextCall().getType());
        stream.send(shutdownEvent()); // while the FINISHED update is still in flight
        assertUpdate(nextCall(), "late", TaskState.TASK_FINISHED);
        assertEquals(0, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertFalse(log().contains("not sent"), log());
    }

    @Test
    void afterAnAgentRestartItResubscribesWithWhatTheAgentHasNotAcknowledged() throws Exception {
        EventStream first = subscribedStream().send(launch("done", "http://ok/")).send(launch("busy", "http://block/"));
        Future<Integer> exit = start(env(Map.of("MESOS_CHECKPOINT", "1", "MESOS_SUBSCRIPTION_BACKOFF_MAX", "200ms")));
        Map<String, Call> seen = new HashMap<>();
        for (int i = 0; i < 4; i++) { // RUNNING x2, MESSAGE, FINISHED, in a racy order across tasks
            Call call = nextCall();
            String key = call.getType() == Call.Type.MESSAGE ? "MESSAGE"
                    : call.getUpdate().getStatus().getTaskId().getValue() + " " + call.getUpdate().getStatus().getState();
            seen.put(key, call);
        }
        assertEquals(Set.of("done TASK_RUNNING", "done TASK_FINISHED", "busy TASK_RUNNING", "MESSAGE"), seen.keySet());
        TaskStatus doneRunning = seen.get("done TASK_RUNNING").getUpdate().getStatus();
        first.send(acknowledged(doneRunning));
        // Events are handled in order: once the loop has logged this KILL, it has handled the ACK too.
        first.send(killEvent("after-the-ack"));
        awaitLog("KILL for task after-the-ack");

        EventStream second = subscribedStream();
        streams.add(second);
        first.drop();

        Request resubscribe = awaitSubscribe(2);
        Call.Subscribe sent = decode(resubscribe).getSubscribe();
        List<String> updates = new ArrayList<>();
        for (Call.Update update : sent.getUnacknowledgedUpdatesList()) {
            updates.add(update.getStatus().getTaskId().getValue() + " " + update.getStatus().getState());
        }
        assertEquals(Set.of("done TASK_FINISHED", "busy TASK_RUNNING"), Set.copyOf(updates));
        assertEquals(seen.get("done TASK_FINISHED").getUpdate(), sent.getUnacknowledgedUpdatesList().get(updates.indexOf("done TASK_FINISHED")),
                "resent byte for byte, same uuid");
        assertEquals(List.of("busy"), sent.getUnacknowledgedTasksList().stream().map(t -> t.getTaskId().getValue()).toList(),
                "a task with an acknowledged update is no longer unacknowledged");

        second.send(shutdownEvent());
        assertUpdate(nextCall(), "busy", TaskState.TASK_KILLED);
        assertEquals(0, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(log().contains("resent 2 unacknowledged updates"), log());
    }

    @Test
    void withoutCheckpointingItExitsWhenTheAgentGoesAway() throws Exception {
        EventStream stream = subscribedStream();
        Future<Integer> exit = start(env(Map.of()));
        awaitSubscribe(1);
        stream.drop();
        assertEquals(ExecutorRunLoop.EXIT_AGENT_LOST, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(1, subscribes.size());
        assertTrue(log().contains("does not checkpoint"), log());
    }

    @Test
    void anErrorEventEndsTheExecutorWithAFailureStatus() throws Exception {
        subscribedStream().send(MesosJson.toJson(Event.newBuilder().setType(Event.Type.ERROR)
                .setError(Event.Error.newBuilder().setMessage("Unrecoverable error")).build()));
        Future<Integer> exit = start(env(Map.of()));
        assertEquals(ExecutorRunLoop.EXIT_ERROR, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(log().contains("the agent sent ERROR: Unrecoverable error"), log());
    }

    @Test
    void aRejectedSubscribeEndsTheExecutor() throws Exception {
        ScriptedHttpServer rejecting = new ScriptedHttpServer(request -> Fixed.text(400, "Bad Request", "Framework cannot be found"));
        try (rejecting) {
            Map<String, String> env = new HashMap<>(env(Map.of()));
            env.put("MESOS_AGENT_ENDPOINT", rejecting.hostPort());
            Future<Integer> exit = start(env);
            assertEquals(ExecutorRunLoop.EXIT_ERROR, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertTrue(log().contains("400: Framework cannot be found"), log());
        }
    }

    @Test
    void launchGroupIsRejectedTaskByTask() throws Exception {
        TaskInfo grouped = TaskInfo.newBuilder().setName("g").setTaskId(taskId("grouped")).setAgentId(MesosIds.agentId("S0")).build();
        EventStream stream = subscribedStream().send(MesosJson.toJson(Event.newBuilder().setType(Event.Type.LAUNCH_GROUP)
                .setLaunchGroup(Event.LaunchGroup.newBuilder()
                        .setTaskGroup(TaskGroupInfo.newBuilder().addTasks(grouped)))
                .build()));
        Future<Integer> exit = start(env(Map.of()));
        Call failed = nextCall();
        assertUpdate(failed, "grouped", TaskState.TASK_FAILED);
        assertEquals(TaskStatus.Reason.REASON_TASK_GROUP_INVALID, failed.getUpdate().getStatus().getReason());
        stream.send(shutdownEvent());
        assertEquals(0, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void aWarmUpTaskFinishesAtOnceWithoutResultOrHandler() throws Exception {
        Event recorded = MesosJson.parse(SchedulerClientTest.recordedRecords(RECORDED_STREAM).get(1), Event.getDefaultInstance());
        TaskInfo warmUp = recorded.getLaunch().getTask().toBuilder().setName("render warm-up").setTaskId(taskId("warm-up-1"))
                .clearData().setLabels(WarmUp.labels()).build();
        EventStream stream = subscribedStream()
                .send(MesosJson.toJson(recorded.toBuilder().setLaunch(Event.Launch.newBuilder().setTask(warmUp)).build()))
                .send(launch("after", "http://ok/"));
        Future<Integer> exit = start(env(Map.of()));
        Call finished = nextCall();
        assertUpdate(finished, "warm-up-1", TaskState.TASK_FINISHED);
        assertTrue(finished.getUpdate().getStatus().getData().isEmpty(), "a warm-up carries no result");
        assertUpdate(nextCall(), "after", TaskState.TASK_RUNNING);
        assertEquals(Call.Type.MESSAGE, nextCall().getType(), "the next real task still gets its result message");
        stream.send(shutdownEvent());
        assertEquals(0, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(List.of("after"), handler.startedTasks());
    }

    @Test
    void malformedTaskDataFailsTheTaskWithoutRunningIt() throws Exception {
        EventStream stream = subscribedStream().send(launchWithData("bad", "not json at all".getBytes(UTF_8)));
        Future<Integer> exit = start(env(Map.of()));
        Call failed = nextCall();
        assertUpdate(failed, "bad", TaskState.TASK_FAILED);
        assertEquals(TaskStatus.Reason.REASON_TASK_INVALID, failed.getUpdate().getStatus().getReason());
        assertTrue(failed.getUpdate().getStatus().getMessage().startsWith("malformed task data"), failed.getUpdate().getStatus().getMessage());
        stream.send(shutdownEvent());
        assertEquals(0, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(List.of(), handler.startedTasks());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{\"kind\":\"CRAWL\"}", "{\"kind\":\"RENDER\",\"task_id\":\"t\",\"url\":\"http://ok/\"}",
            "{\"kind\":\"CRAWL\",\"task_id\":\"t\",\"url\":\"http://ok/\",\"limits\":{\"timeout_millis\":-1}}",
            "{\"kind\":\"CRAWL\",\"task_id\":\"t\",\"url\":\"http://ok/\",\"limits\":[]}", "[[[[[[[[", "null"})
    void taskDataThatIsNotARequestFailsThatTaskWithOneLineAndTheNextTaskStillRuns(String data) throws Exception {
        EventStream stream = subscribedStream()
                .send(launchWithData("bad", data.getBytes(UTF_8)))
                .send(launch("good", "http://ok/"));
        Future<Integer> exit = start(env(Map.of()));
        Call failed = nextCall();
        assertUpdate(failed, "bad", TaskState.TASK_FAILED);
        assertEquals(TaskStatus.Reason.REASON_TASK_INVALID, failed.getUpdate().getStatus().getReason());
        String reason = failed.getUpdate().getStatus().getMessage();
        assertTrue(reason.startsWith("malformed task data: ") && !reason.contains("\n") && reason.length() < 260, reason);
        assertUpdate(nextCall(), "good", TaskState.TASK_RUNNING);
        assertEquals(Call.Type.MESSAGE, nextCall().getType());
        assertUpdate(nextCall(), "good", TaskState.TASK_FINISHED);
        stream.send(shutdownEvent());
        assertEquals(0, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(List.of("good"), handler.startedTasks());
    }

    @Test
    void anAgentAnsweringWithAWebPageIsRetriedNotFatal() throws Exception {
        htmlAnswers.set(2);
        EventStream stream = subscribedStream().send(launch("t", "http://ok/"));
        Future<Integer> exit = start(env(Map.of()));
        assertUpdate(nextCall(), "t", TaskState.TASK_RUNNING);
        stream.send(shutdownEvent());
        assertEquals(0, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(3, subscribes.size(), "two web pages, then the stream");
    }

    @Test
    void theAuthenticationTokenIsSentAsABearerToken() throws Exception {
        EventStream stream = subscribedStream().send(launch("t", "http://ok/"));
        Future<Integer> exit = start(env(Map.of("MESOS_EXECUTOR_AUTHENTICATION_TOKEN", "tok3n")));
        nextCall();
        stream.send(shutdownEvent());
        assertEquals(0, exit.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        for (Request request : agent.requests()) assertEquals("Bearer tok3n", request.header("Authorization"));
    }

    @Test
    void theRecordedEnvironmentParses() throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(WireFixtures.file("executor-env-8908.txt"))) {
            if (line.startsWith("#") || !line.contains("=")) continue;
            env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        ExecutorEnvironment parsed = ExecutorEnvironment.from(env);
        assertEquals("127.0.0.1:5051", parsed.agentEndpoint());
        assertEquals("http://127.0.0.1:5051/api/v1/executor", parsed.executorApi().toString());
        assertEquals("fake-exec-3", parsed.executorId().getValue());
        assertEquals("22a69bbf-9b82-4b02-aff8-dfaa15d17080-0005", parsed.frameworkId().getValue());
        assertTrue(parsed.checkpoint());
        assertEquals(Duration.ofMinutes(15), parsed.recoveryTimeout());
        assertEquals(Duration.ofSeconds(2), parsed.subscriptionBackoffMax());
        assertTrue(parsed.sandbox().orElseThrow().toString().endsWith("eaf1fb9c-2c9c-4fe2-83dc-47b12e27ff6a"));
        assertTrue(parsed.authenticationToken().isEmpty());
    }

    @Test
    void theSchedulerPicksTheEncodingThroughTheEnvironmentAndJsonIsTheDefault() throws IOException {
        Map<String, String> env = new HashMap<>(env(Map.of()));
        assertEquals(MesosEncoding.JSON, ExecutorEnvironment.from(env).encoding());
        env.put(ExecutorEnvironment.ENCODING_VARIABLE, "protobuf");
        assertEquals(MesosEncoding.PROTOBUF, ExecutorEnvironment.from(env).encoding());
        env.put(ExecutorEnvironment.ENCODING_VARIABLE, "xml");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> ExecutorEnvironment.from(env));
        assertTrue(unknown.getMessage().contains("use json or protobuf"), unknown.getMessage());
    }

    @Test
    void environmentErrorsNameTheVariable() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ExecutorEnvironment.from(Map.of("MESOS_AGENT_ENDPOINT", "127.0.0.1:5051")));
        assertTrue(missing.getMessage().startsWith("MESOS_FRAMEWORK_ID is not set"), missing.getMessage());
        assertEquals(Duration.ofMillis(250), ExecutorEnvironment.parseDuration("250ms"));
        assertEquals(Duration.ofMinutes(90), ExecutorEnvironment.parseDuration("1.5hrs"));
        assertEquals(Duration.ofSeconds(5), ExecutorEnvironment.parseDuration("5secs"));
        assertThrows(IllegalArgumentException.class, () -> ExecutorEnvironment.parseDuration("5 parsecs"));
    }

    // ---- helpers ----

    private Future<Integer> start(Map<String, String> env) {
        return start(env, handler);
    }

    private Future<Integer> start(Map<String, String> env, TaskHandler taskHandler) {
        ExecutorRunLoop loop = new ExecutorRunLoop(ExecutorEnvironment.from(env), taskHandler, MesosHttp.newClient(),
                duration -> Thread.sleep(Math.min(duration.toMillis(), 50)), Clock.systemUTC(), () -> 0.5,
                new PrintStream(logBytes, true, UTF_8), (where, failure) -> fatalErrors.add(failure), runningAfter);
        return runner.submit(loop::run);
    }

    private Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "MESOS_AGENT_ENDPOINT", agent.hostPort(),
                "MESOS_FRAMEWORK_ID", FRAMEWORK_ID,
                "MESOS_EXECUTOR_ID", EXECUTOR_ID,
                "MESOS_SANDBOX", "/tmp/sandbox"));
        env.putAll(extra);
        return env;
    }

    private String log() {
        return logBytes.toString(UTF_8);
    }

    /** A stream queued for the next SUBSCRIBE, already holding the recorded SUBSCRIBED. */
    private EventStream subscribedStream() throws IOException {
        EventStream stream = new EventStream().send(SchedulerClientTest.recordedRecords(RECORDED_STREAM).get(0));
        streams.add(stream);
        return stream;
    }

    private static byte[] launch(String id, String url) throws IOException {
        return launchWithData(id, MessageCodec.encode(TaskRequest.crawl(id, url, PageLimits.defaults(), Boundary.unrestricted())));
    }

    /** The recorded LAUNCH with our task id and data. */
    private static byte[] launchWithData(String id, byte[] data) throws IOException {
        Event recorded = MesosJson.parse(SchedulerClientTest.recordedRecords(RECORDED_STREAM).get(1), Event.getDefaultInstance());
        TaskInfo task = recorded.getLaunch().getTask().toBuilder().setName(id).setTaskId(taskId(id)).setData(ByteString.copyFrom(data)).build();
        return MesosJson.toJson(recorded.toBuilder().setLaunch(Event.Launch.newBuilder().setTask(task)).build());
    }

    private static byte[] killEvent(String id) {
        return MesosJson.toJson(Event.newBuilder().setType(Event.Type.KILL).setKill(Event.Kill.newBuilder().setTaskId(taskId(id))).build());
    }

    private static byte[] shutdownEvent() {
        return MesosJson.toJson(Event.newBuilder().setType(Event.Type.SHUTDOWN).build());
    }

    private static byte[] acknowledged(TaskStatus status) {
        return MesosJson.toJson(Event.newBuilder().setType(Event.Type.ACKNOWLEDGED)
                .setAcknowledged(Event.Acknowledged.newBuilder().setTaskId(status.getTaskId()).setUuid(status.getUuid()))
                .build());
    }

    private Call nextCall() throws InterruptedException {
        Request request = calls.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (request == null) throw new AssertionError("no call within " + WAIT + "; log:\n" + log());
        assertEquals("/api/v1/executor", request.path());
        assertEquals("application/json", request.header("Content-Type"));
        return decode(request);
    }

    private void awaitLog(String text) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!log().contains(text)) {
            if (System.nanoTime() > deadline) throw new AssertionError("never logged '" + text + "'; log:\n" + log());
            Thread.sleep(10);
        }
    }

    private Request awaitSubscribe(int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (subscribes.size() < count) {
            if (System.nanoTime() > deadline) throw new AssertionError("no SUBSCRIBE #" + count + "; log:\n" + log());
            Thread.sleep(10);
        }
        return subscribes.get(count - 1);
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Call decode(Request request) {
        try {
            return MesosJson.parse(request.body(), Call.getDefaultInstance());
        } catch (IOException e) {
            throw new AssertionError("undecodable call: " + new String(request.body(), UTF_8), e);
        }
    }

    /** What the agent insists on for every executor UPDATE. */
    private static void assertUpdate(Call call, String taskId, TaskState state) {
        assertEquals(Call.Type.UPDATE, call.getType());
        assertEquals(FRAMEWORK_ID, call.getFrameworkId().getValue());
        assertEquals(EXECUTOR_ID, call.getExecutorId().getValue());
        TaskStatus status = call.getUpdate().getStatus();
        assertEquals(taskId, status.getTaskId().getValue());
        assertEquals(state, status.getState());
        assertEquals(TaskStatus.Source.SOURCE_EXECUTOR, status.getSource());
        assertEquals(EXECUTOR_ID, status.getExecutorId().getValue());
        assertEquals(16, status.getUuid().size(), "uuid is 16 raw bytes");
        UUID uuid = ExecutorCalls.uuidOf(status.getUuid());
        assertEquals(4, uuid.version(), "a real RFC 4122 random UUID");
        assertEquals(2, uuid.variant(), "the IETF variant");
    }

    /** A crawl handler whose behaviour the URL picks: ok, boom (throws) or block (until interrupted). */
    private static final class ScriptedHandler implements TaskHandler {
        final int parallelism;
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);
        final List<String> taskIds = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        ScriptedHandler(int parallelism) {
            this.parallelism = parallelism;
        }

        @Override
        public TaskKind kind() {
            return TaskKind.CRAWL;
        }

        @Override
        public int parallelism() {
            return parallelism;
        }

        ResultMessage resultFor(String id, String url) {
            return ResultMessage.of(new CrawlResult(id, url, url, 200, "text/html", true, List.of(url + "a"), false, null, 7));
        }

        @Override
        public ResultMessage handle(TaskRequest request) throws Exception {
            taskIds.add(request.taskId());
            started.countDown();
            switch (request.url()) {
                case "http://boom/" -> throw new IOException("connection reset\nby peer");
                case "http://block/" -> {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                    throw new AssertionError("not interrupted");
                }
                default -> {
                    return resultFor(request.taskId(), request.url());
                }
            }
        }

        List<String> startedTasks() {
            return List.copyOf(taskIds);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
