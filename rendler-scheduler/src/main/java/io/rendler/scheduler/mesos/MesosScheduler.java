package io.rendler.scheduler.mesos;

import io.rendler.common.MessageCodec;
import io.rendler.common.ResultMessage;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import io.rendler.mesos.MesosIds;
import io.rendler.mesos.SchedulerCalls;
import io.rendler.scheduler.core.Delivery;
import io.rendler.scheduler.core.Progress;
import io.rendler.scheduler.core.TaskEnd;
import io.rendler.scheduler.run.CrawlCoordinator;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * Rendler's Mesos scheduler: one method per event, each turning it into coordinator updates and
 * scheduler calls. It owns no transport; calls leave through a {@link CallSink}, so it is tested
 * by feeding it events and reading the calls it made.
 *
 * <p>Not thread-safe on its own: the stream thread delivers events one at a time, and the other
 * entry points ({@link #workAvailable}, {@link #killAll}, {@link #teardown}) synchronise on this.
 */
public final class MesosScheduler {

    /** Where calls go: the SchedulerClient in production, a list in tests. */
    @FunctionalInterface
    public interface CallSink {
        void send(Call call) throws IOException;
    }

    /** The states in which a task has not ended yet; {@link #update} waits for any other. */
    static final Set<TaskState> NOT_ENDED =
            EnumSet.of(TaskState.TASK_STAGING, TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_KILLING);

    /** While work is queued, unused resources come back after this long. */
    static final double BUSY_REFUSE_SECONDS = 1;
    /** With nothing queued we also SUPPRESS; the long filter is for offers already in flight. */
    static final double IDLE_REFUSE_SECONDS = 30;

    private final CrawlCoordinator coordinator;
    private final OfferPacker packer;
    private final Function<FrameworkID, TaskInfos> taskInfosFor;
    private final Function<TaskRequest, TaskRequest> prepare;
    private final String role;
    private final CallSink calls;
    private final Consumer<String> log;

    /**
     * A task launched and not yet terminal: its agent (for KILL and RECONCILE) and kind (for queue
     * depth). The agent of a task adopted after a failover is null until its first update names it.
     */
    private record Launched(AgentID agent, TaskKind kind) {}

    private final Map<String, Launched> launched = new HashMap<>();
    /**
     * Render tasks adopted after a scheduler failover. One that finished while no scheduler was
     * there could not upload its screenshot (the file server was gone with the old process), so a
     * failed render among them is run again rather than recorded.
     */
    private final Set<String> adoptedRenders = new HashSet<>();
    /** Warm-up tasks in flight (see {@link #wantsWarmUp}), and the agents that had one or a render task. */
    private final Map<String, AgentID> warmUps = new HashMap<>();
    private final Set<AgentID> warmedUp = new HashSet<>();
    private int warmUpCount;
    /** Executor kinds we believe are running on each agent, so their resources are charged once. */
    private final Map<AgentID, Set<TaskKind>> executors = new HashMap<>();
    private TaskInfos taskInfos;
    private boolean suppressed;
    private final MesosEventCounts counts = new MesosEventCounts();
    /** For results we drop: anyone can send framework messages naming our executors, so a flood must not fill the log. */
    private final RateLimitedLog droppedLog;

    /**
     * @param taskInfosFor builds the TaskInfo factory once the framework id is known
     * @param prepare      last touches on a task before launch, e.g. its screenshot upload URL
     */
    public MesosScheduler(CrawlCoordinator coordinator, OfferPacker packer, Function<FrameworkID, TaskInfos> taskInfosFor,
            Function<TaskRequest, TaskRequest> prepare, String role, CallSink calls, Consumer<String> log) {
        this.coordinator = coordinator;
        this.packer = packer;
        this.taskInfosFor = taskInfosFor;
        this.prepare = prepare;
        this.role = role;
        this.calls = calls;
        this.log = log;
        this.droppedLog = new RateLimitedLog(log, 5, Duration.ofMinutes(1), System::nanoTime);
    }

    /**
     * Takes over tasks that a previous scheduler process of this framework launched and that may
     * still be running (a resumed crawl). Call before the first subscription: it reconciles them.
     */
    public synchronized void adopt(List<TaskRequest> tasks) {
        for (TaskRequest task : tasks) {
            launched.put(task.taskId(), new Launched(null, task.kind()));
            if (task.kind() == TaskKind.RENDER) {
                prepare.apply(task); // the upload URL is expected again
                adoptedRenders.add(task.taskId());
            }
        }
    }

    /** The adopted tasks are gone with the framework that ran them: their pages get another attempt. */
    public synchronized void forgetAdopted(String reason) {
        List<String> lost = List.copyOf(launched.keySet());
        launched.clear();
        adoptedRenders.clear();
        lost.forEach(taskId -> coordinator.taskEnded(taskId, TaskEnd.FAILED, reason));
    }

    /** SUBSCRIBED, first time or again. After a resubscription or a failover, ask where our tasks stand. */
    public synchronized void subscribed(FrameworkID frameworkId) {
        counts.subscribed();
        if (taskInfos == null) taskInfos = taskInfosFor.apply(frameworkId);
        // A (re)subscribed framework starts unsuppressed: SUBSCRIBE carries no suppressed roles.
        suppressed = false;
        if (!launched.isEmpty()) {
            List<Call.Reconcile.Task> tasks = new ArrayList<>();
            launched.forEach((taskId, task) -> tasks.add(SchedulerCalls.reconcileTask(MesosIds.taskId(taskId), task.agent())));
            send(SchedulerCalls.reconcile(tasks));
            log.accept("subscribed again; reconciling " + tasks.size() + " tasks");
        }
    }

    public synchronized void event(Event event) {
        counts.event(event);
        switch (event.getType()) {
            case OFFERS -> offers(event.getOffers().getOffersList());
            case UPDATE -> update(event.getUpdate().getStatus());
            case MESSAGE -> message(event.getMessage());
            case FAILURE -> failure(event.getFailure());
            // We never hold offers beyond one event, so a rescinded one needs nothing.
            case RESCIND, HEARTBEAT, RESCIND_INVERSE_OFFER, INVERSE_OFFERS, UPDATE_OPERATION_STATUS, UNKNOWN -> { }
            default -> { }
        }
    }

    private void offers(List<Offer> offers) {
        for (Offer offer : offers) {
            Progress queued = coordinator.progress();
            Map<TaskKind, Integer> waiting = new EnumMap<>(TaskKind.class);
            waiting.put(TaskKind.CRAWL, queued.pendingCrawls());
            waiting.put(TaskKind.RENDER, queued.pendingRenders());
            Set<TaskKind> running = executorsOn(offer);
            boolean warmUp = wantsWarmUp(offer.getAgentId(), running);
            if (warmUp) waiting.merge(TaskKind.RENDER, 1, Math::max);
            List<TaskInfo> tasks = new ArrayList<>();
            for (TaskKind kind : packer.pack(available(offer), running, inFlightOn(offer.getAgentId()), waiting)) {
                Optional<TaskRequest> next = coordinator.poll(kind).map(prepare);
                if (next.isPresent()) {
                    tasks.add(taskInfos.task(next.get(), offer.getAgentId(), role));
                    launched.put(next.get().taskId(), new Launched(offer.getAgentId(), kind));
                } else if (kind == TaskKind.RENDER && warmUp) {
                    TaskInfo task = taskInfos.warmUp(TaskKind.RENDER, "warm-up-render-" + (++warmUpCount), offer.getAgentId(), role);
                    tasks.add(task);
                    warmUps.put(task.getTaskId().getValue(), offer.getAgentId());
                    warmUp = false;
                }
                if (kind == TaskKind.RENDER) warmedUp.add(offer.getAgentId());
            }
            if (tasks.isEmpty()) {
                decline(offer);
                continue;
            }
            Call accept = SchedulerCalls.accept(List.of(offer.getId()), List.of(SchedulerCalls.launch(tasks)),
                    SchedulerCalls.refuseFor(BUSY_REFUSE_SECONDS));
            try {
                calls.send(accept);
                tasks.forEach(t -> executors.computeIfAbsent(offer.getAgentId(), a -> EnumSet.noneOf(TaskKind.class))
                        .add(TaskInfos.kindOf(t.getExecutor().getExecutorId())));
            } catch (IOException e) {
                log.accept("launch on " + offer.getHostname() + " failed: " + e.getMessage());
                for (TaskInfo task : tasks) {
                    launched.remove(task.getTaskId().getValue());
                    coordinator.taskEnded(task.getTaskId().getValue(), TaskEnd.FAILED, "launch failed: " + e.getMessage());
                }
            }
        }
    }

    /**
     * Whether to start the render executor on this agent before any page is ready to render: the
     * first render then finds Chromium started, instead of waiting seconds for it after the start
     * page's crawl. Once per agent, and only when rendering at all.
     */
    private boolean wantsWarmUp(AgentID agent, Set<TaskKind> running) {
        return coordinator.settings().render() && !running.contains(TaskKind.RENDER) && !warmedUp.contains(agent)
                && !coordinator.isStopped();
    }

    private void decline(Offer offer) {
        boolean busy = coordinator.hasQueuedWork();
        send(SchedulerCalls.decline(List.of(offer.getId()), busy ? BUSY_REFUSE_SECONDS : IDLE_REFUSE_SECONDS));
        if (!busy && !suppressed) {
            suppressed = true;
            send(SchedulerCalls.suppress(role));
        }
    }

    /** New work was queued; if we told the master to stop offering, ask again. */
    public synchronized void workAvailable() {
        if (suppressed && taskInfos != null) {
            suppressed = false;
            send(SchedulerCalls.revive(role));
        }
    }

    private void update(TaskStatus status) {
        String taskId = status.getTaskId().getValue();
        TaskState state = status.getState();
        Launched known = launched.get(taskId);
        if (known != null && known.agent() == null && status.hasAgentId()) {
            launched.put(taskId, new Launched(status.getAgentId(), known.kind()));
        }
        if (warmUps.containsKey(taskId)) {
            // A warm-up has no page and no result; only its acknowledgement matters.
            if (!NOT_ENDED.contains(state)) warmUps.remove(taskId);
            SchedulerCalls.acknowledgementFor(status).ifPresent(this::send);
            return;
        }
        switch (state) {
            case TASK_STAGING, TASK_STARTING, TASK_RUNNING, TASK_KILLING -> { }
            case TASK_FINISHED -> {
                if (status.getData().isEmpty() && status.getReason() == TaskStatus.Reason.REASON_RECONCILIATION) {
                    // The master's answer to RECONCILE carries no data. The executor's own FINISHED,
                    // with the result, is still to come: the agent resends it until acknowledged.
                } else {
                    launched.remove(taskId);
                    finished(taskId, status.getData().toByteArray());
                }
            }
            case TASK_KILLED -> {
                launched.remove(taskId);
                adoptedRenders.remove(taskId);
                coordinator.taskEnded(taskId, TaskEnd.KILLED, "killed");
            }
            default -> {
                // FAILED, LOST, ERROR, DROPPED, GONE, UNREACHABLE, UNKNOWN...: worth another attempt.
                launched.remove(taskId);
                adoptedRenders.remove(taskId);
                coordinator.taskEnded(taskId, TaskEnd.FAILED, describe(status));
            }
        }
        SchedulerCalls.acknowledgementFor(status).ifPresent(this::send);
    }

    private void finished(String taskId, byte[] data) {
        boolean failedWhileAway = failedWhileAway(data);
        adoptedRenders.remove(taskId);
        if (failedWhileAway) {
            coordinator.taskEnded(taskId, TaskEnd.FAILED, "rendered while no scheduler was running, so its screenshot had nowhere to go");
            return;
        }
        // The executor puts its result in the FINISHED update too: framework messages are best
        // effort, status updates are delivered reliably. The core ignores the copy it already has.
        String dropped = null;
        if (data.length > 0) {
            Delivery delivery = coordinator.deliverFor(taskId, data);
            if (delivery.dropped()) {
                counts.updateResultDropped();
                droppedLog.accept("dropped the result in the TASK_FINISHED update of task " + taskId + ": " + delivery.reason());
                dropped = delivery.reason();
            }
        }
        coordinator.taskEnded(taskId, TaskEnd.FINISHED, dropped);
    }

    /**
     * A framework MESSAGE: the result an executor sends before its TASK_FINISHED, or anything that
     * anyone who can reach an agent sent naming one of our executors. A result that is malformed
     * or not for a task of ours is dropped; the task's own terminal update then decides.
     */
    private void message(Event.Message message) {
        byte[] data = message.getData().toByteArray();
        if (failedWhileAway(data)) return; // see update()
        Delivery delivery = coordinator.deliver(data);
        if (!delivery.dropped()) return;
        counts.messageDropped(delivery);
        droppedLog.accept("dropped a framework message from " + message.getExecutorId().getValue() + " on agent "
                + message.getAgentId().getValue() + ": " + delivery.reason());
    }

    /**
     * An executor ended. Mesos sends this even for a clean exit (status 0); the status is the raw
     * waitpid value, so exit code 3 arrives as 768. TASK_FAILED updates for its tasks follow.
     */
    private void failure(Event.Failure failure) {
        if (!failure.hasExecutorId()) return;
        TaskKind kind = TaskInfos.kindOf(failure.getExecutorId());
        Set<TaskKind> onAgent = executors.get(failure.getAgentId());
        if (onAgent != null && kind != null) onAgent.remove(kind);
        int status = failure.getStatus();
        if (status != 0) {
            log.accept(failure.getExecutorId().getValue() + " on agent " + failure.getAgentId().getValue() + " ended: " + howItEnded(status));
        }
    }

    /** A FAILURE's raw waitpid status in words: "exit code 3" (from 768), "killed by signal 9". */
    static String howItEnded(int waitStatus) {
        return (waitStatus & 0x7f) != 0 ? "killed by signal " + (waitStatus & 0x7f) : "exit code " + (waitStatus >> 8);
    }

    /** KILL every task still running; used when the grace period after a stop is over. */
    public synchronized void killAll() {
        launched.forEach((taskId, task) -> send(SchedulerCalls.kill(MesosIds.taskId(taskId), task.agent())));
        warmUps.forEach((taskId, agent) -> send(SchedulerCalls.kill(MesosIds.taskId(taskId), agent)));
    }

    /** What the master sent during the run, for the summary. */
    public MesosEventCounts eventCounts() {
        return counts;
    }

    public synchronized int runningTasks() {
        return launched.size();
    }

    /** Ends the framework: the master kills its tasks and executors and forgets it. */
    public synchronized void teardown() {
        if (taskInfos != null) send(SchedulerCalls.teardown());
    }

    /** Whether {@code result} is a failed render of an adopted task (see {@link #adoptedRenders}). */
    private boolean failedWhileAway(byte[] result) {
        if (adoptedRenders.isEmpty()) return false;
        try {
            ResultMessage message = MessageCodec.decodeResult(result);
            return message.kind() == TaskKind.RENDER && message.render().failed() && adoptedRenders.contains(message.taskId());
        } catch (MessageCodec.MalformedMessageException e) {
            return false;
        }
    }

    private Map<TaskKind, Integer> inFlightOn(AgentID agent) {
        Map<TaskKind, Integer> count = new EnumMap<>(TaskKind.class);
        for (Launched task : launched.values()) {
            if (agent.equals(task.agent())) count.merge(task.kind(), 1, Integer::sum);
        }
        return count;
    }

    private Set<TaskKind> executorsOn(Offer offer) {
        Set<TaskKind> running = EnumSet.noneOf(TaskKind.class);
        running.addAll(executors.getOrDefault(offer.getAgentId(), Set.of()));
        for (ExecutorID id : offer.getExecutorIdsList()) {
            TaskKind kind = TaskInfos.kindOf(id);
            if (kind != null) running.add(kind);
        }
        return running;
    }

    /** The unreserved or role-allocated cpus and mem in an offer, for our role. */
    private Resources available(Offer offer) {
        double cpus = 0;
        double mem = 0;
        for (Resource resource : offer.getResourcesList()) {
            if (resource.getType() != Value.Type.SCALAR) continue;
            if (resource.hasAllocationInfo() && !resource.getAllocationInfo().getRole().equals(role)) continue;
            if (resource.getName().equals("cpus")) cpus += resource.getScalar().getValue();
            if (resource.getName().equals("mem")) mem += resource.getScalar().getValue();
        }
        return new Resources(cpus, mem);
    }

    private static String describe(TaskStatus status) {
        StringBuilder why = new StringBuilder(status.getState().name());
        if (status.hasReason()) why.append(" (").append(status.getReason().name()).append(')');
        if (!status.getMessage().isEmpty()) why.append(": ").append(status.getMessage());
        return why.toString();
    }

    private void send(Call call) {
        if (call.getType() == Call.Type.DECLINE) counts.declined(call.getDecline().getOfferIdsCount());
        try {
            calls.send(call);
        } catch (IOException e) {
            log.accept(call.getType() + " failed: " + e.getMessage());
        }
    }
}
