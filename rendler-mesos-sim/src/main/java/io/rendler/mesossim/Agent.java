package io.rendler.mesossim;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.ContainerID;
import org.apache.mesos.v1.Protos.ContainerStatus;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.NetworkInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;
import org.apache.mesos.v1.executor.Protos.Event;

/**
 * The agent: executor containers (real child processes), the executor calls, and the status
 * update manager that delivers each task's updates to the scheduler one at a time, resending the
 * head until it is acknowledged. Public methods take the cluster lock; private ones assume it.
 */
final class Agent {

    private record TaskKey(String frameworkId, String taskId) {}

    /** The head of a task's update stream waits here until the scheduler acknowledges it. */
    private static final class UpdateStream {
        final Deque<TaskStatus> pending = new ArrayDeque<>();
        ScheduledFuture<?> retry;
        Duration backoff;
    }

    private static final Duration MAX_RETRY_BACKOFF = Duration.ofMinutes(10);

    private final Cluster cluster;
    private final List<ExecutorRun> liveRuns = new ArrayList<>();
    private final List<ExecutorRun> finishedRuns = new ArrayList<>();
    private final Map<TaskKey, UpdateStream> updateStreams = new LinkedHashMap<>();
    /** Uuids the scheduler acknowledged; an executor resending one (e.g. on resubscribe) is ignored. */
    private final Map<TaskKey, java.util.Set<ByteString>> acknowledgedUuids = new LinkedHashMap<>();

    Agent(Cluster cluster) {
        this.cluster = cluster;
    }

    // ---- launching ---------------------------------------------------------------------------

    /** A task the master accepted. Reuses a live executor with the same id, else starts one. */
    void launch(FrameworkInfo framework, SimTask task) {
        String frameworkId = framework.getId().getValue();
        ExecutorRun run = liveRun(frameworkId, task.executorId()).orElse(null);
        if (run != null && run.state == ExecutorRun.State.TERMINATING) {
            TaskState state = framework.getCapabilitiesList().stream()
                    .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.PARTITION_AWARE)
                    ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
            run.tasks.put(task.id(), task);
            agentUpdate(run, task, state, TaskStatus.Reason.REASON_EXECUTOR_TERMINATED, "Executor terminating");
            return;
        }
        if (run == null) {
            String containerId = UUID.randomUUID().toString();
            Path sandbox = cluster.config.workDir().resolve(Path.of("slaves", cluster.agentId, "frameworks", frameworkId,
                    "executors", task.executorId(), "runs", containerId));
            run = new ExecutorRun(frameworkId, framework, task.info.getExecutor(), containerId, sandbox);
            liveRuns.add(run);
            ExecutorRun starting = run;
            cluster.launcher.submit(() -> startContainer(starting));
        }
        run.tasks.put(task.id(), task);
        if (run.state == ExecutorRun.State.RUNNING && run.stream != null) {
            deliverLaunch(run, task);
        } else {
            run.queued.add(task);
        }
    }

    /** Off the lock: sandbox, fetch, then the process. Back under the lock to record the outcome. */
    private void startContainer(ExecutorRun run) {
        Process process;
        try {
            ExecutorLauncher launcher = new ExecutorLauncher(cluster, run);
            launcher.prepareSandbox();
            process = launcher.start();
        } catch (IOException | RuntimeException e) {
            cluster.locked(() -> launchFailed(run, e.getMessage()));
            return;
        }
        if (cluster.isClosed()) {
            run.process = process;
            run.pid = process.pid();
            killProcessGroup(run); // the simulator closed while we were starting it
            return;
        }
        cluster.locked(() -> {
            if (run.state != ExecutorRun.State.LAUNCHING) {
                // Destroyed while we were fetching: the process must not outlive the decision.
                run.process = process;
                run.pid = process.pid();
                killProcessGroup(run);
                return;
            }
            run.process = process;
            run.pid = process.pid();
            run.state = ExecutorRun.State.REGISTERING;
            cluster.observations.executorStarted(new StartedExecutor(
                    run.frameworkId, run.executorId(), run.containerId, run.sandbox, run.pid, run.info));
            Duration timeout = cluster.config.executorRegistrationTimeout();
            run.registrationTimeout = cluster.schedule(timeout, () -> {
                if (run.state == ExecutorRun.State.REGISTERING) {
                    destroy(run, TaskStatus.Reason.REASON_EXECUTOR_REGISTRATION_TIMEOUT,
                            "Executor did not register within " + Cluster.mesosDuration(timeout));
                }
            });
        });
        process.onExit().thenRun(() -> cluster.locked(() -> terminated(run)));
    }

    private void launchFailed(ExecutorRun run, String reason) {
        if (!run.isLive()) return;
        run.terminationReason = TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED;
        run.terminationMessage = "Failed to launch container: " + reason;
        finish(run, null);
    }

    private void deliverLaunch(ExecutorRun run, SimTask task) {
        task.deliveredToExecutor = true;
        sendToExecutor(run, Event.newBuilder()
                .setType(Event.Type.LAUNCH)
                .setLaunch(Event.Launch.newBuilder().setTask(task.info))
                .build());
    }

    // ---- executor calls ----------------------------------------------------------------------

    /** Every executor call after decoding and validation, checked as the agent's http.cpp does. */
    HttpResponse call(Call call, WireEncoding streamEncoding, RawHttpServer.Exchange exchange) {
        synchronized (cluster.lock) {
            String frameworkId = call.getFrameworkId().getValue();
            if (liveRuns.stream().noneMatch(r -> r.frameworkId.equals(frameworkId))) {
                return HttpResponse.text(400, "Framework cannot be found");
            }
            ExecutorRun run = liveRun(frameworkId, call.getExecutorId().getValue()).orElse(null);
            if (run == null) return HttpResponse.text(400, "Executor cannot be found");
            if (run.state == ExecutorRun.State.REGISTERING && call.getType() != Call.Type.SUBSCRIBE) {
                return HttpResponse.text(403, "Executor is not subscribed");
            }
            cluster.observations.executorCall(call.getType());
            switch (call.getType()) {
                case SUBSCRIBE -> {
                    subscribe(run, call.getSubscribe(), streamEncoding, exchange);
                    return null;
                }
                case UPDATE -> executorUpdate(run, call.getUpdate().getStatus());
                case MESSAGE -> {
                    if (cluster.master.knowsFramework(frameworkId)) {
                        cluster.master.executorMessage(frameworkId, run.executorId(), call.getMessage().getData());
                    }
                }
                default -> {
                    return new HttpResponse(501, List.of(), null, new byte[0]);
                }
            }
            return HttpResponse.accepted();
        }
    }

    private void subscribe(ExecutorRun run, Call.Subscribe subscribe, WireEncoding encoding, RawHttpServer.Exchange exchange) {
        if (run.stream != null) run.stream.end(); // a resubscribing executor replaces its old connection
        EventStream stream = exchange.startStream(encoding, null, "executor-" + run.executorId(), s -> executorStreamClosed(run, s));
        run.stream = stream;
        if (run.registrationTimeout != null) run.registrationTimeout.cancel(false);
        if (run.state == ExecutorRun.State.REGISTERING) run.state = ExecutorRun.State.RUNNING;
        sendToExecutor(run, Event.newBuilder()
                .setType(Event.Type.SUBSCRIBED)
                .setSubscribed(Event.Subscribed.newBuilder()
                        .setExecutorInfo(run.info)
                        .setFrameworkInfo(run.frameworkInfo)
                        .setAgentInfo(agentInfo())
                        .setContainerId(ContainerID.newBuilder().setValue(run.containerId)))
                .build());
        // A resubscribing executor reports the updates it still holds; ones we lost are taken as new.
        for (Call.Update update : subscribe.getUnacknowledgedUpdatesList()) {
            executorUpdate(run, update.getStatus());
        }
        for (SimTask task : run.queued) deliverLaunch(run, task);
        run.queued.clear();
        if (run.state == ExecutorRun.State.TERMINATING) {
            sendToExecutor(run, Event.newBuilder().setType(Event.Type.SHUTDOWN).build());
        }
    }

    private void executorStreamClosed(ExecutorRun run, EventStream stream) {
        synchronized (cluster.lock) {
            if (run.stream == stream) run.stream = null; // the executor may resubscribe
        }
    }

    /**
     * README surprise 7: the agent adds agent_id, timestamp (unless the executor set one) and
     * container_status, and leaves executor_id out if the executor did.
     */
    private void executorUpdate(ExecutorRun run, TaskStatus status) {
        if (!cluster.master.knowsFramework(run.frameworkId)) return; // torn down: accepted and dropped
        TaskStatus.Builder enriched = status.toBuilder()
                .setAgentId(AgentID.newBuilder().setValue(cluster.agentId))
                .setContainerStatus(containerStatus(run));
        if (!status.hasTimestamp()) enriched.setTimestamp(Cluster.now());
        enqueue(new TaskKey(run.frameworkId, status.getTaskId().getValue()), enriched.build(),
                run.tasks.get(status.getTaskId().getValue()));
    }

    private ContainerStatus containerStatus(ExecutorRun run) {
        return ContainerStatus.newBuilder()
                .setContainerId(ContainerID.newBuilder().setValue(run.containerId))
                .addNetworkInfos(NetworkInfo.newBuilder().addIpAddresses(NetworkInfo.IPAddress.newBuilder()
                        .setProtocol(NetworkInfo.Protocol.IPv4)
                        .setIpAddress("127.0.0.1")))
                .setExecutorPid((int) run.pid)
                .build();
    }

    /** An update the agent makes up (executor gone, kill before delivery): SOURCE_AGENT, with a uuid. */
    private void agentUpdate(ExecutorRun run, SimTask task, TaskState state, TaskStatus.Reason reason, String message) {
        if (!cluster.master.knowsFramework(run.frameworkId)) return;
        TaskStatus status = TaskStatus.newBuilder()
                .setTaskId(task.info.getTaskId())
                .setState(state)
                .setMessage(message)
                .setSource(TaskStatus.Source.SOURCE_AGENT)
                .setReason(reason)
                .setAgentId(AgentID.newBuilder().setValue(cluster.agentId))
                .setExecutorId(run.info.getExecutorId())
                .setTimestamp(Cluster.now())
                .setUuid(Cluster.randomUuidBytes())
                .build();
        enqueue(new TaskKey(run.frameworkId, task.id()), status, task);
    }

    // ---- the status update manager -----------------------------------------------------------

    private void enqueue(TaskKey key, TaskStatus status, SimTask task) {
        if (acknowledgedUuids.getOrDefault(key, java.util.Set.of()).contains(status.getUuid())) return;
        UpdateStream stream = updateStreams.computeIfAbsent(key, k -> new UpdateStream());
        if (stream.pending.stream().anyMatch(s -> s.getUuid().equals(status.getUuid()))) return; // a retry
        if (task != null) {
            task.state = status.getState();
            task.latestStatus = status;
            if (task.isTerminal()) task.resourcesReleased = true; // the master frees them on the terminal update
        }
        stream.pending.addLast(status);
        if (stream.pending.size() == 1) {
            stream.backoff = cluster.config.statusUpdateRetryInterval();
            forwardHead(key, stream);
        }
    }

    /** Sends the head of a task's stream and arms the retry, which resends the same uuid. */
    private void forwardHead(TaskKey key, UpdateStream stream) {
        TaskStatus head = stream.pending.peekFirst();
        if (head == null) return;
        cluster.master.forwardUpdate(key.frameworkId(), head, taskOf(key));
        if (stream.retry != null) stream.retry.cancel(false);
        Duration delay = stream.backoff;
        stream.retry = cluster.schedule(delay, () -> {
            if (updateStreams.get(key) == stream && stream.pending.peekFirst() == head) {
                stream.backoff = min(stream.backoff.multipliedBy(2), MAX_RETRY_BACKOFF);
                forwardHead(key, stream);
            }
        });
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** After a scheduler resubscribes: every unacknowledged head again, with its original uuid. */
    void resendUpdates(String frameworkId) {
        synchronized (cluster.lock) {
            updateStreams.forEach((key, stream) -> {
                if (key.frameworkId().equals(frameworkId)) {
                    stream.backoff = cluster.config.statusUpdateRetryInterval();
                    forwardHead(key, stream);
                }
            });
        }
    }

    /**
     * A scheduler ACKNOWLEDGE. Only the head of the task's stream can be acknowledged; anything
     * else is ignored, as the agent does (the call was still a 202).
     */
    void acknowledge(String frameworkId, String taskId, ByteString uuid) {
        TaskKey key = new TaskKey(frameworkId, taskId);
        UpdateStream stream = updateStreams.get(key);
        if (stream == null || stream.pending.isEmpty() || !stream.pending.peekFirst().getUuid().equals(uuid)) {
            cluster.observations.ignoredAcknowledgement();
            return;
        }
        TaskStatus acked = stream.pending.removeFirst();
        acknowledgedUuids.computeIfAbsent(key, k -> new java.util.HashSet<>()).add(uuid);
        if (stream.retry != null) stream.retry.cancel(false);
        SimTask task = taskOf(key);
        ExecutorRun run = task == null ? null : liveRun(frameworkId, task.executorId()).orElse(null);
        if (run != null && run.stream != null) {
            // README surprise 12: the executor hears of the ACK only now, with the uuid it sent.
            sendToExecutor(run, Event.newBuilder()
                    .setType(Event.Type.ACKNOWLEDGED)
                    .setAcknowledged(Event.Acknowledged.newBuilder().setTaskId(acked.getTaskId()).setUuid(uuid))
                    .build());
        }
        if (!stream.pending.isEmpty()) {
            stream.backoff = cluster.config.statusUpdateRetryInterval();
            forwardHead(key, stream);
            return;
        }
        updateStreams.remove(key);
        if (SimTask.isTerminal(acked.getState()) && task != null) {
            runOf(task).ifPresent(r -> r.tasks.remove(taskId));
            cluster.master.taskRemoved(frameworkId, taskId);
        }
    }

    // ---- kill, shutdown, messages ------------------------------------------------------------

    void killTask(SimTask task) {
        ExecutorRun run = runOf(task).filter(ExecutorRun::isLive).orElse(null);
        if (run == null) return;
        if (!task.deliveredToExecutor) {
            run.queued.remove(task);
            agentUpdate(run, task, TaskState.TASK_KILLED, TaskStatus.Reason.REASON_TASK_KILLED_DURING_LAUNCH,
                    "Killed before delivery to the executor");
            boolean idle = run.tasks.values().stream().allMatch(SimTask::isTerminal);
            if (idle && run.state != ExecutorRun.State.RUNNING) destroy(run, run.terminationReason, run.terminationMessage);
            return;
        }
        if (run.stream != null) {
            sendToExecutor(run, Event.newBuilder()
                    .setType(Event.Type.KILL)
                    .setKill(Event.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(task.id())))
                    .build());
        }
    }

    void shutdownExecutor(String frameworkId, String executorId) {
        liveRun(frameworkId, executorId).ifPresent(this::shutdown);
    }

    /** SHUTDOWN if the executor listens, then a kill after the grace period; a kill at once otherwise. */
    private void shutdown(ExecutorRun run) {
        if (run.state == ExecutorRun.State.TERMINATING || !run.isLive()) return;
        if (run.state == ExecutorRun.State.RUNNING && run.stream != null) {
            run.state = ExecutorRun.State.TERMINATING;
            sendToExecutor(run, Event.newBuilder().setType(Event.Type.SHUTDOWN).build());
            run.shutdownTimeout = cluster.schedule(gracePeriod(run), () -> {
                if (run.isLive()) destroy(run, run.terminationReason, run.terminationMessage);
            });
        } else {
            destroy(run, run.terminationReason, run.terminationMessage);
        }
    }

    Duration gracePeriod(ExecutorRun run) {
        return run.info.hasShutdownGracePeriod()
                ? Duration.ofNanos(run.info.getShutdownGracePeriod().getNanoseconds())
                : cluster.config.executorShutdownGracePeriod();
    }

    /** TEARDOWN or failover timeout: updates for the framework are dropped, executors shut down. */
    void shutdownFramework(String frameworkId) {
        updateStreams.entrySet().removeIf(e -> {
            if (!e.getKey().frameworkId().equals(frameworkId)) return false;
            if (e.getValue().retry != null) e.getValue().retry.cancel(false);
            return true;
        });
        for (ExecutorRun run : List.copyOf(liveRuns)) {
            if (!run.frameworkId.equals(frameworkId)) continue;
            run.resourcesReleased = true; // the master forgets the executor at once
            shutdown(run);
        }
    }

    /** Scheduler MESSAGE: the executor gets only the data (README surprise 12). */
    void frameworkMessage(String frameworkId, String executorId, ByteString data) {
        liveRun(frameworkId, executorId).filter(r -> r.stream != null).ifPresent(run -> sendToExecutor(run,
                Event.newBuilder().setType(Event.Type.MESSAGE).setMessage(Event.Message.newBuilder().setData(data)).build()));
    }

    // ---- termination -------------------------------------------------------------------------

    /** Kills the executor's whole session. The exit is then reported like any other exit. */
    private void destroy(ExecutorRun run, TaskStatus.Reason reason, String message) {
        if (!run.isLive()) return;
        run.terminationReason = reason;
        run.terminationMessage = message;
        run.killedBySimulator = true;
        if (run.process == null) {
            finish(run, null); // never started; startContainer will kill the process if one appears
            return;
        }
        killProcessGroup(run);
    }

    /** Fault injection: kills matching executors' processes. Returns how many were killed. */
    int killExecutors(String executorIdOrPrefix) {
        synchronized (cluster.lock) {
            int killed = 0;
            for (ExecutorRun run : List.copyOf(liveRuns)) {
                if (run.process == null || !run.executorId().startsWith(executorIdOrPrefix)) continue;
                run.killedBySimulator = true;
                killProcessGroup(run);
                killed++;
            }
            return killed;
        }
    }

    private void killProcessGroup(ExecutorRun run) {
        if (run.process == null) return;
        if (cluster.setsidAvailable) {
            try {
                // The executor leads its own session and process group (setsid), so -pid reaches
                // everything it started, even children already orphaned by its exit.
                new ProcessBuilder("kill", "-KILL", "--", "-" + run.pid)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
            } catch (IOException e) {
                // fall back to the handles below
            }
        }
        run.process.descendants().forEach(ProcessHandle::destroyForcibly);
        run.process.destroyForcibly();
    }

    /** The executor process exited. README surprise 2: FAILURE first, then TASK_FAILED per live task. */
    private void terminated(ExecutorRun run) {
        if (!run.isLive()) return;
        int exitValue = run.process.exitValue();
        // Java reports death by signal N as 128 + N; Mesos reports the raw waitpid status, which for
        // a signal is N itself and for an exit code is code << 8 (exit 3 gives 768).
        int waitStatus = run.killedBySimulator && exitValue > 128 ? exitValue - 128 : exitValue << 8;
        killProcessGroup(run); // leftovers of the session go with it, as with the posix launcher
        finish(run, waitStatus);
    }

    private void finish(ExecutorRun run, Integer waitStatus) {
        run.state = ExecutorRun.State.TERMINATED;
        run.cancelTimers();
        if (run.stream != null) run.stream.end();
        run.stream = null;
        liveRuns.remove(run);
        finishedRuns.add(run);
        cluster.master.executorTerminated(run.frameworkId, run.executorId(), waitStatus);
        for (SimTask task : List.copyOf(run.tasks.values())) {
            if (!task.isTerminal()) {
                agentUpdate(run, task, TaskState.TASK_FAILED, run.terminationReason, run.terminationMessage);
            }
            task.resourcesReleased = true;
        }
        run.queued.clear();
        run.resourcesReleased = true;
    }

    // ---- lookups -----------------------------------------------------------------------------

    private Optional<ExecutorRun> liveRun(String frameworkId, String executorId) {
        return liveRuns.stream()
                .filter(r -> r.frameworkId.equals(frameworkId) && r.executorId().equals(executorId))
                .findFirst();
    }

    private Optional<ExecutorRun> runOf(SimTask task) {
        for (ExecutorRun run : liveRuns) if (run.tasks.get(task.id()) == task) return Optional.of(run);
        for (ExecutorRun run : finishedRuns) if (run.tasks.get(task.id()) == task) return Optional.of(run);
        return Optional.empty();
    }

    private SimTask taskOf(TaskKey key) {
        for (ExecutorRun run : liveRuns) {
            SimTask task = run.tasks.get(key.taskId());
            if (task != null && run.frameworkId.equals(key.frameworkId())) return task;
        }
        for (ExecutorRun run : finishedRuns) {
            SimTask task = run.tasks.get(key.taskId());
            if (task != null && run.frameworkId.equals(key.frameworkId())) return task;
        }
        return null;
    }

    boolean hasLiveExecutor(String frameworkId, String executorId) {
        return liveRun(frameworkId, executorId).isPresent();
    }

    List<String> liveExecutorIdsNewestFirst(String frameworkId) {
        List<String> ids = new ArrayList<>();
        for (ExecutorRun run : liveRuns) {
            if (run.frameworkId.equals(frameworkId) && !run.resourcesReleased) ids.add(0, run.executorId());
        }
        return ids;
    }

    /** What the master must not offer: live executors and their unfinished tasks. */
    Resources usedResources() {
        Resources used = Resources.EMPTY;
        for (ExecutorRun run : liveRuns) {
            if (!run.resourcesReleased) used = used.plus(run.resources);
            for (SimTask task : run.tasks.values()) {
                if (!task.resourcesReleased) used = used.plus(task.resources);
            }
        }
        return used;
    }

    Optional<TaskState> taskState(String taskId) {
        for (List<ExecutorRun> runs : List.of(liveRuns, finishedRuns)) {
            for (ExecutorRun run : runs) {
                SimTask task = run.tasks.get(taskId);
                if (task != null) return Optional.of(task.state);
            }
        }
        return Optional.empty();
    }

    AgentInfo agentInfo() {
        return AgentInfo.newBuilder()
                .setHostname(cluster.config.hostname())
                .setPort(cluster.agentPort())
                .addAllResources(cluster.config.agentResources().toProtos(Resources.Shape.AGENT_INFO))
                .setId(AgentID.newBuilder().setValue(cluster.agentId))
                .build();
    }

    private void sendToExecutor(ExecutorRun run, Event event) {
        if (run.stream != null && run.stream.send(event)) cluster.observations.sentToExecutor(run.executorId(), event);
    }

    /** Fault-free shutdown of the simulator: no process may outlive it. */
    void killAll() {
        synchronized (cluster.lock) {
            for (ExecutorRun run : List.copyOf(liveRuns)) {
                run.killedBySimulator = true;
                killProcessGroup(run);
            }
        }
    }
}
