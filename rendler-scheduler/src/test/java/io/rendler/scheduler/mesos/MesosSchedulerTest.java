package io.rendler.scheduler.mesos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.rendler.common.CrawlResult;
import io.rendler.common.MessageCodec;
import io.rendler.common.PageLimits;
import io.rendler.common.RenderResult;
import io.rendler.common.ResultMessage;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import io.rendler.mesos.MesosIds;
import io.rendler.mesos.MesosJson;
import io.rendler.mesos.RecordIO;
import io.rendler.mesos.WarmUp;
import io.rendler.scheduler.core.CrawlScheduler;
import io.rendler.scheduler.core.CrawlSettings;
import io.rendler.scheduler.core.Scope;
import io.rendler.scheduler.core.TaskEnd;
import io.rendler.scheduler.run.CrawlCoordinator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drives the event handler with offers recorded from a real master and reads the calls it makes. */
class MesosSchedulerTest {

    private static final Path STREAM = Path.of("../testdata/mesos-wire/scheduler-json/01-subscribe-json-stream.body");
    private static final String ROOT = "http://site.test/";

    private final List<Call> calls = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private CrawlCoordinator coordinator;
    private MesosScheduler scheduler;
    private Event recordedOffers;

    @BeforeEach
    void setUp() throws IOException {
        coordinator = new CrawlCoordinator(new CrawlScheduler(new CrawlSettings(ROOT, 100, 3, Scope.sameHost(ROOT),
                PageLimits.defaults(), true, 3)));
        scheduler = newScheduler(coordinator);
        recordedOffers = firstRecorded(Event.Type.OFFERS);
        scheduler.subscribed(recordedOffers.getOffers().getOffers(0).getFrameworkId());
    }

    private MesosScheduler newScheduler(CrawlCoordinator crawl) {
        TaskInfos.ExecutorLaunch crawlExecutor = new TaskInfos.ExecutorLaunch("http://files/crawl-executor.jar",
                "java -jar crawl-executor.jar", new Resources(0.1, 256), Map.of());
        TaskInfos.ExecutorLaunch renderExecutor = new TaskInfos.ExecutorLaunch("http://files/render-executor.jar",
                "java -jar render-executor.jar", new Resources(0.2, 512), Map.of());
        MesosScheduler made = new MesosScheduler(crawl, new OfferPacker(MesosBackend.sizing(8, 2)),
                id -> new TaskInfos(id, Map.of(TaskKind.CRAWL, crawlExecutor, TaskKind.RENDER, renderExecutor),
                        Map.of(TaskKind.CRAWL, new Resources(0.1, 32), TaskKind.RENDER, new Resources(0.5, 128))),
                request -> request, "*", calls::add, log::add);
        crawl.onWorkAvailable(made::workAvailable);
        return made;
    }

    private static Event firstRecorded(Event.Type type) throws IOException {
        return firstRecorded(type, event -> true);
    }

    private static Event firstRecorded(Event.Type type, java.util.function.Predicate<Event> wanted) throws IOException {
        try (InputStream in = Files.newInputStream(STREAM)) {
            RecordIO.Reader reader = new RecordIO.Reader(in);
            for (Optional<byte[]> record = reader.next(); record.isPresent(); record = reader.next()) {
                Event event = MesosJson.fromJson(record.get(), Event.newBuilder());
                if (event.getType() == type && wanted.test(event)) return event;
            }
        }
        throw new AssertionError("no " + type + " in " + STREAM);
    }

    private List<Call> callsOf(Call.Type type) {
        return calls.stream().filter(c -> c.getType() == type).toList();
    }

    private static Event update(TaskInfo task, TaskState state, ByteString data, boolean withUuid) {
        TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(task.getTaskId()).setState(state)
                .setAgentId(task.getAgentId()).setSource(TaskStatus.Source.SOURCE_EXECUTOR).setData(data);
        if (withUuid) {
            UUID uuid = UUID.randomUUID();
            status.setUuid(ByteString.copyFrom(java.nio.ByteBuffer.allocate(16)
                    .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array()));
        }
        return Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder().setStatus(status)).build();
    }

    private TaskInfo launchedCrawl() {
        scheduler.event(recordedOffers);
        List<Call> accepts = callsOf(Call.Type.ACCEPT);
        assertEquals(1, accepts.size(), calls.toString());
        return accepts.get(0).getAccept().getOperations(0).getLaunch().getTaskInfos(0);
    }

    @Test
    void theTaskDataCarriesTheScopeAndTheGuardToTheAgent() {
        TaskRequest request = MessageCodec.decodeRequest(launchedCrawl().getData().toByteArray());
        assertEquals(List.of("site.test"), request.boundary().scope().hosts());
        assertEquals(false, request.boundary().guard().allowPrivate());
        assertEquals("site.test:80", request.boundary().guard().trustedAuthority());
    }

    @Test
    void aRealOfferLaunchesTheStartPageOnTheCrawlExecutor() throws Exception {
        TaskInfo task = launchedCrawl();
        Offer offer = recordedOffers.getOffers().getOffers(0);
        assertEquals(offer.getAgentId(), task.getAgentId());
        assertEquals("rendler-crawl", task.getExecutor().getExecutorId().getValue());
        assertEquals("http://files/crawl-executor.jar", task.getExecutor().getCommand().getUris(0).getValue());
        TaskRequest request = MessageCodec.decodeRequest(task.getData().toByteArray());
        assertEquals(ROOT, request.url());
        assertEquals(TaskKind.CRAWL, request.kind());
        assertEquals(1, coordinator.progress().runningCrawls());
        // Only one page is known, so only the render executor's warm-up goes with it.
        List<TaskInfo> launched = callsOf(Call.Type.ACCEPT).get(0).getAccept().getOperations(0).getLaunch().getTaskInfosList();
        assertEquals(2, launched.size(), launched.toString());
        assertTrue(WarmUp.is(launched.get(1)), launched.get(1).toString());
    }

    private TaskInfo launchedWarmUp() {
        scheduler.event(recordedOffers);
        return callsOf(Call.Type.ACCEPT).get(0).getAccept().getOperations(0).getLaunch().getTaskInfosList().stream()
                .filter(WarmUp::is).findFirst().orElseThrow(() -> new AssertionError("no warm-up in " + calls));
    }

    @Test
    void theFirstOfferStartsTheRenderExecutorWithAWarmUpThatCarriesNoPage() {
        TaskInfo warmUp = launchedWarmUp();
        assertEquals("rendler-render", warmUp.getExecutor().getExecutorId().getValue());
        assertTrue(warmUp.getData().isEmpty(), "a warm-up carries no TaskRequest");
        assertEquals(0, coordinator.progress().runningRenders(), "the core knows nothing of it");
    }

    @Test
    void aWarmUpsUpdatesAreAcknowledgedAndNeverReachTheCrawl() {
        TaskInfo warmUp = launchedWarmUp();
        var before = coordinator.progress();
        scheduler.event(update(warmUp, TaskState.TASK_RUNNING, ByteString.EMPTY, true));
        scheduler.event(update(warmUp, TaskState.TASK_FINISHED, ByteString.EMPTY, true));
        assertEquals(2, callsOf(Call.Type.ACKNOWLEDGE).size());
        assertEquals(before, coordinator.progress());
        assertTrue(coordinator.drainEvents().stream().noneMatch(e -> e.toString().contains(warmUp.getTaskId().getValue())));
    }

    @Test
    void eachAgentGetsOneWarmUpAtMost() {
        launchedWarmUp();
        calls.clear();
        scheduler.event(recordedOffers);
        assertTrue(callsOf(Call.Type.ACCEPT).stream()
                .flatMap(a -> a.getAccept().getOperations(0).getLaunch().getTaskInfosList().stream())
                .noneMatch(WarmUp::is), calls.toString());
    }

    @Test
    void aCrawlWithoutRenderingStartsNoRenderExecutor() {
        coordinator = new CrawlCoordinator(new CrawlScheduler(new CrawlSettings(ROOT, 100, 3, Scope.sameHost(ROOT),
                PageLimits.defaults(), false, 3)));
        scheduler = newScheduler(coordinator);
        scheduler.subscribed(recordedOffers.getOffers().getOffers(0).getFrameworkId());
        scheduler.event(recordedOffers);
        List<TaskInfo> launched = callsOf(Call.Type.ACCEPT).get(0).getAccept().getOperations(0).getLaunch().getTaskInfosList();
        assertEquals(1, launched.size(), launched.toString());
        assertEquals("rendler-crawl", launched.get(0).getExecutor().getExecutorId().getValue());
    }

    @Test
    void updatesWithAUuidAreAcknowledgedAndOthersAreNot() {
        TaskInfo task = launchedCrawl();
        scheduler.event(update(task, TaskState.TASK_RUNNING, ByteString.EMPTY, true));
        scheduler.event(update(task, TaskState.TASK_RUNNING, ByteString.EMPTY, false)); // a reconciliation answer
        List<Call> acks = callsOf(Call.Type.ACKNOWLEDGE);
        assertEquals(1, acks.size());
        assertEquals(task.getTaskId(), acks.get(0).getAcknowledge().getTaskId());
        assertEquals(16, acks.get(0).getAcknowledge().getUuid().size());
    }

    @Test
    void aResultCarriedOnlyByTheFinishedUpdateIsNotLost() {
        TaskInfo task = launchedCrawl();
        byte[] result = MessageCodec.encode(ResultMessage.of(new CrawlResult(task.getTaskId().getValue(), ROOT, ROOT, 200,
                "text/html", true, List.of(ROOT + "a", ROOT + "b"), false, null, 3)));
        // No MESSAGE event: the framework message was dropped.
        scheduler.event(update(task, TaskState.TASK_FINISHED, ByteString.copyFrom(result), true));
        assertEquals(1, coordinator.progress().crawled());
        assertEquals(3, coordinator.progress().admitted());
        assertEquals(0, scheduler.runningTasks());
    }

    @Test
    void messageAndFinishedUpdateTogetherCountOnce() {
        TaskInfo task = launchedCrawl();
        byte[] result = MessageCodec.encode(ResultMessage.of(new CrawlResult(task.getTaskId().getValue(), ROOT, ROOT, 200,
                "text/html", true, List.of(ROOT + "a"), false, null, 3)));
        scheduler.event(Event.newBuilder().setType(Event.Type.MESSAGE).setMessage(Event.Message.newBuilder()
                .setAgentId(task.getAgentId()).setExecutorId(task.getExecutor().getExecutorId()).setData(ByteString.copyFrom(result))).build());
        scheduler.event(update(task, TaskState.TASK_FINISHED, ByteString.copyFrom(result), true));
        assertEquals(1, coordinator.progress().crawled());
        assertEquals(2, coordinator.progress().admitted());
    }

    private static Event message(TaskInfo task, byte[] data) {
        return Event.newBuilder().setType(Event.Type.MESSAGE).setMessage(Event.Message.newBuilder()
                .setAgentId(task.getAgentId()).setExecutorId(task.getExecutor().getExecutorId()).setData(ByteString.copyFrom(data))).build();
    }

    @Test
    void malformedAndForeignResultsAreLoggedCountedAndDroppedAndTheTaskIsRetried() {
        TaskInfo task = launchedCrawl();
        String agent = task.getAgentId().getValue();
        // The body a stranger can POST to the agent's executor API; once it ended the scheduler.
        scheduler.event(message(task, "{\"kind\":\"CRAWL\"}".getBytes(StandardCharsets.UTF_8)));
        scheduler.event(message(task, MessageCodec.encode(ResultMessage.of(new CrawlResult(task.getTaskId().getValue(),
                "http://evil.test/", "http://evil.test/", 200, "text/html", true, List.of(ROOT + "planted"), false, null, 1)))));
        scheduler.event(update(task, TaskState.TASK_FINISHED, ByteString.copyFromUtf8("{\"kind\":\"CRAWL\"}"), true));

        assertEquals(List.of(
                "dropped a framework message from rendler-crawl on agent " + agent
                        + ": malformed ResultMessage: message of kind CRAWL must carry exactly that result",
                "dropped a framework message from rendler-crawl on agent " + agent
                        + ": a result for task crawl-0-1 about http://evil.test/, not " + ROOT,
                "dropped the result in the TASK_FINISHED update of task crawl-0-1"
                        + ": malformed ResultMessage: message of kind CRAWL must carry exactly that result"), log);
        assertEquals(1, coordinator.progress().admitted(), "nothing planted");
        assertEquals(1, callsOf(Call.Type.ACKNOWLEDGE).size(), "the update is acknowledged all the same");
        assertEquals("1 offer, 1 update (1 finished, 1 result dropped), 2 messages (1 malformed, 1 not for a task of ours, dropped), 0 failures",
                scheduler.eventCounts().summary());

        calls.clear();
        TaskInfo retry = launchedCrawl();
        assertEquals("crawl-0-2", retry.getTaskId().getValue(), "the page gets its next attempt");
    }

    @Test
    void anUpdateCarryingAnotherTasksResultDoesNotApplyIt() {
        TaskInfo task = launchedCrawl();
        byte[] other = MessageCodec.encode(ResultMessage.of(new CrawlResult("crawl-7-1", ROOT, ROOT, 200, "text/html", true,
                List.of(ROOT + "a"), false, null, 1)));
        scheduler.event(update(task, TaskState.TASK_FINISHED, ByteString.copyFrom(other), true));
        assertEquals(List.of("dropped the result in the TASK_FINISHED update of task crawl-0-1: the update of task crawl-0-1"
                + " carries a result for task crawl-7-1"), log);
        assertEquals(0, coordinator.progress().crawled());
        assertEquals(1, coordinator.progress().pendingCrawls(), "queued for another attempt");
    }

    @Test
    void aFloodOfBadMessagesIsCountedInFullButLogsAFewLines() {
        TaskInfo task = launchedCrawl();
        for (int i = 0; i < 2_000; i++) scheduler.event(message(task, ("{\"kind\":\"CRAWL\",\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
        assertEquals(5, log.size(), log.toString());
        assertEquals(2_000, scheduler.eventCounts().events(Event.Type.MESSAGE));
        assertTrue(scheduler.eventCounts().summary().contains("2000 messages (2000 malformed, dropped)"), scheduler.eventCounts().summary());
        // The real result still gets through.
        scheduler.event(message(task, MessageCodec.encode(ResultMessage.of(new CrawlResult(task.getTaskId().getValue(), ROOT, ROOT, 200,
                "text/html", true, List.of(ROOT + "a"), false, null, 3)))));
        assertEquals(1, coordinator.progress().crawled());
    }

    @Test
    void aFailedTaskIsRelaunchedFromTheNextOffer() {
        TaskInfo first = launchedCrawl();
        scheduler.event(update(first, TaskState.TASK_FAILED, ByteString.EMPTY, true));
        calls.clear();
        TaskInfo second = launchedCrawl();
        assertEquals("crawl-0-2", second.getTaskId().getValue());
    }

    @Test
    void idleOffersAreDeclinedThenSuppressedAndNewWorkRevives() {
        TaskInfo task = launchedCrawl();
        calls.clear();
        scheduler.event(recordedOffers); // nothing queued: the only page is running
        assertEquals(1, callsOf(Call.Type.DECLINE).size());
        assertEquals(MesosScheduler.IDLE_REFUSE_SECONDS, callsOf(Call.Type.DECLINE).get(0).getDecline().getFilters().getRefuseSeconds());
        assertEquals(1, callsOf(Call.Type.SUPPRESS).size());
        assertTrue(callsOf(Call.Type.REVIVE).isEmpty());

        byte[] result = MessageCodec.encode(ResultMessage.of(new CrawlResult(task.getTaskId().getValue(), ROOT, ROOT, 200,
                "text/html", true, List.of(ROOT + "a"), false, null, 3)));
        scheduler.event(update(task, TaskState.TASK_FINISHED, ByteString.copyFrom(result), true));
        assertEquals(1, callsOf(Call.Type.REVIVE).size());
    }

    @Test
    void reconcilesRunningTasksAfterResubscribing() {
        TaskInfo task = launchedCrawl();
        calls.clear();
        scheduler.subscribed(recordedOffers.getOffers().getOffers(0).getFrameworkId());
        List<Call> reconciles = callsOf(Call.Type.RECONCILE);
        assertEquals(1, reconciles.size());
        assertEquals(task.getTaskId(), reconciles.get(0).getReconcile().getTasks(0).getTaskId());
        assertEquals(task.getAgentId(), reconciles.get(0).getReconcile().getTasks(0).getAgentId());
    }

    @Test
    void killAllKillsWhatIsRunningAndTeardownEndsTheFramework() {
        TaskInfo task = launchedCrawl();
        scheduler.killAll();
        scheduler.teardown();
        assertEquals(MesosIds.taskId(task.getTaskId().getValue()), callsOf(Call.Type.KILL).get(0).getKill().getTaskId());
        assertFalse(callsOf(Call.Type.TEARDOWN).isEmpty());
    }

    @Test
    void anExecutorFailureIsLoggedWithItsExitCode() throws IOException {
        // Recorded: fake-exec-1 exited with code 3, which Mesos reports as the raw waitpid status 768.
        scheduler.event(firstRecorded(Event.Type.FAILURE, e -> e.getFailure().getStatus() == 768));
        assertTrue(log.stream().anyMatch(line -> line.endsWith("ended: exit code 3")), log.toString());
        log.clear();
        scheduler.event(firstRecorded(Event.Type.FAILURE, e -> e.getFailure().getStatus() == 0)); // a clean exit
        assertTrue(log.isEmpty(), log.toString());
    }

    private static Event statusUpdate(String taskId, TaskState state, TaskStatus.Reason reason, byte[] data) {
        TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(MesosIds.taskId(taskId)).setState(state)
                .setAgentId(MesosIds.agentId("agent-1")).setData(ByteString.copyFrom(data));
        if (reason != null) status.setReason(reason);
        return Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder().setStatus(status)).build();
    }

    @Test
    void afterAFailoverTheTasksStillRunningAreAdoptedReconciledAndTheirResultsTaken() {
        // The crawl as a killed scheduler left it: the start page crawled, a crawl and a render in flight.
        CrawlCoordinator resumed = new CrawlCoordinator(new CrawlScheduler(new CrawlSettings(ROOT, 100, 3, Scope.sameHost(ROOT),
                PageLimits.defaults(), true, 3)));
        TaskRequest root = resumed.poll(TaskKind.CRAWL).orElseThrow();
        resumed.deliver(MessageCodec.encode(ResultMessage.of(new CrawlResult(root.taskId(), ROOT, ROOT, 200, "text/html", true,
                List.of(ROOT + "a"), false, null, 1))));
        resumed.taskEnded(root.taskId(), TaskEnd.FINISHED, null);
        TaskRequest crawlA = resumed.poll(TaskKind.CRAWL).orElseThrow();
        TaskRequest renderRoot = resumed.poll(TaskKind.RENDER).orElseThrow();
        calls.clear();

        MesosScheduler taker = newScheduler(resumed);
        taker.adopt(resumed.runningTasks());
        taker.subscribed(MesosIds.frameworkId("fw-1"));
        List<Call> reconciles = callsOf(Call.Type.RECONCILE);
        assertEquals(1, reconciles.size(), calls.toString());
        assertEquals(java.util.Set.of(crawlA.taskId(), renderRoot.taskId()), reconciles.get(0).getReconcile().getTasksList().stream()
                .map(t -> t.getTaskId().getValue()).collect(java.util.stream.Collectors.toSet()));

        // The master answers for the crawl; it is still running, so nothing is launched for its page.
        taker.event(statusUpdate(crawlA.taskId(), TaskState.TASK_RUNNING, TaskStatus.Reason.REASON_RECONCILIATION, new byte[0]));
        taker.event(recordedOffers);
        assertTrue(callsOf(Call.Type.ACCEPT).stream().flatMap(c -> c.getAccept().getOperations(0).getLaunch().getTaskInfosList().stream())
                .allMatch(WarmUp::is), "no page to launch while the adopted tasks run: " + calls);
        // A FINISHED from reconciliation carries no result: the executor's own update, with it, is still to come.
        taker.event(statusUpdate(crawlA.taskId(), TaskState.TASK_FINISHED, TaskStatus.Reason.REASON_RECONCILIATION, new byte[0]));
        assertEquals(2, taker.runningTasks());
        taker.event(statusUpdate(crawlA.taskId(), TaskState.TASK_FINISHED, null, MessageCodec.encode(ResultMessage.of(
                new CrawlResult(crawlA.taskId(), crawlA.url(), crawlA.url(), 200, "text/html", true, List.of(), false, null, 1)))));
        assertEquals(2, resumed.progress().crawled());

        // A render that failed while no scheduler was there (its upload had nowhere to go) runs again.
        taker.event(statusUpdate(renderRoot.taskId(), TaskState.TASK_FINISHED, null, MessageCodec.encode(ResultMessage.of(
                RenderResult.failure(renderRoot.taskId(), renderRoot.url(), "screenshot upload failed: connection refused", 5)))));
        assertEquals(0, resumed.progress().failed());
        assertEquals(ROOT, resumed.poll(TaskKind.RENDER).orElseThrow().url());
    }
}
