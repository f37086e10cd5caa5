package io.rendler.mesossim;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.mesos.v1.Protos.Address;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.URL;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * The master: framework registry, offers and their filters, and the scheduler calls. Public
 * methods take the cluster lock; private ones assume it is held.
 */
final class Master {

    /** An offer sent and neither accepted, declined nor rescinded yet. */
    private record OutstandingOffer(String id, String frameworkId, Resources resources) {}

    private final Cluster cluster;
    private final Map<String, FrameworkRecord> frameworks = new LinkedHashMap<>();
    private final List<FrameworkInfo> completedFrameworks = new ArrayList<>();
    private final Map<String, OutstandingOffer> offers = new LinkedHashMap<>();
    private int nextFrameworkNumber;
    private int nextOfferNumber;

    Master(Cluster cluster) {
        this.cluster = cluster;
    }

    // ---- subscription ------------------------------------------------------------------------

    /** SUBSCRIBE, already validated; answers with a stream (null) or an error response. */
    HttpResponse subscribe(Call.Subscribe subscribe, WireEncoding streamEncoding, RawHttpServer.Exchange exchange) {
        synchronized (cluster.lock) {
            FrameworkInfo requested = subscribe.getFrameworkInfo();
            String id = requested.hasId() ? requested.getId().getValue() : newFrameworkId();
            String streamId = UUID.randomUUID().toString();
            if (completedFrameworks.stream().anyMatch(f -> f.getId().getValue().equals(id))) {
                // Mesos answers 200 and then refuses inside the stream.
                EventStream refused = exchange.startStream(streamEncoding, streamId, "refused-" + id, s -> {});
                refused.send(error("Framework has been removed"));
                refused.end();
                return null;
            }
            FrameworkRecord framework = frameworks.get(id);
            if (framework == null) {
                // A known id we have never seen is a re-registration after a master failover: accept it.
                framework = new FrameworkRecord(id, requested);
                frameworks.put(id, framework);
            } else if (framework.stream != null) {
                // README surprise 10: the old stream hears why, then ends with the 0-chunk.
                sendOn(framework, framework.stream, error("Framework failed over"));
                framework.stream.end();
            }
            framework.cancelTimers();
            framework.info = requested.toBuilder().setId(FrameworkID.newBuilder().setValue(id)).build();
            // The master log of the recorded failover: outstanding offers are removed without a
            // RESCIND, filters are cleared and offers unsuppressed unless SUBSCRIBE says otherwise.
            removeOffersOf(framework);
            framework.filters.clear();
            framework.suppressed = subscribe.getSuppressedRolesCount() > 0;

            EventStream stream = exchange.startStream(streamEncoding, streamId, "framework-" + id, this::streamClosed);
            framework.stream = stream;
            send(framework, subscribed(id));
            send(framework, heartbeat()); // README surprise 3: before the first OFFERS, on every subscription
            FrameworkRecord subscribed = framework;
            framework.heartbeat = cluster.every(cluster.config.heartbeatInterval(), () -> {
                if (!cluster.faults.heartbeatsPaused() && subscribed.stream == stream) send(subscribed, heartbeat());
            });
            allocate();
            cluster.agent.resendUpdates(id);
            cluster.observations.schedulerCall(Call.Type.SUBSCRIBE);
            return null;
        }
    }

    private String newFrameworkId() {
        return String.format("%s-%04d", cluster.masterId, nextFrameworkNumber++);
    }

    /** The connection of {@code stream} is gone. Only the framework's current stream matters. */
    private void streamClosed(EventStream stream) {
        if (cluster.isClosed()) return;
        synchronized (cluster.lock) {
            for (FrameworkRecord framework : frameworks.values()) {
                if (framework.stream == stream) {
                    disconnected(framework);
                    return;
                }
            }
        }
    }

    /**
     * A scheduler went away without TEARDOWN. Its offers are removed and its tasks keep running for
     * failover_timeout seconds; with the default of 0 the framework is removed at once.
     */
    private void disconnected(FrameworkRecord framework) {
        framework.stream = null;
        framework.cancelTimers();
        removeOffersOf(framework);
        double timeout = framework.info.getFailoverTimeout();
        if (timeout <= 0) {
            removeFramework(framework, false);
        } else {
            framework.failoverTimeout = cluster.schedule(
                    Duration.ofNanos((long) (timeout * 1e9)), () -> removeFramework(framework, false));
        }
    }

    // ---- calls on a subscribed framework -------------------------------------------------------

    /** Every call but SUBSCRIBE, already decoded and validated; checks as Mesos' http.cpp does. */
    HttpResponse call(Call call, Optional<String> streamIdHeader) {
        synchronized (cluster.lock) {
            FrameworkRecord framework = frameworks.get(call.getFrameworkId().getValue());
            if (framework == null) return HttpResponse.text(400, "Framework cannot be found");
            if (!framework.connected()) return HttpResponse.text(403, "Framework is not subscribed");
            if (streamIdHeader.isEmpty()) {
                return HttpResponse.text(400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
            }
            if (!streamIdHeader.get().equals(framework.stream.streamId())) {
                return HttpResponse.text(400, "The stream ID '" + streamIdHeader.get() + "' included in this request "
                        + "didn't match the stream ID currently associated with framework ID " + framework.id);
            }
            switch (call.getType()) {
                case TEARDOWN -> removeFramework(framework, true);
                case ACCEPT -> accept(framework, call.getAccept());
                case DECLINE -> decline(framework, call.getDecline());
                case REVIVE -> revive(framework);
                case SUPPRESS -> framework.suppressed = true;
                case KILL -> kill(framework, call.getKill());
                case SHUTDOWN -> cluster.agent.shutdownExecutor(framework.id, call.getShutdown().getExecutorId().getValue());
                case ACKNOWLEDGE -> cluster.agent.acknowledge(framework.id,
                        call.getAcknowledge().getTaskId().getValue(), call.getAcknowledge().getUuid());
                case RECONCILE -> reconcile(framework, call.getReconcile());
                case MESSAGE -> cluster.agent.frameworkMessage(framework.id,
                        call.getMessage().getExecutorId().getValue(), call.getMessage().getData());
                case REQUEST, ACCEPT_INVERSE_OFFERS, DECLINE_INVERSE_OFFERS -> {
                    // Accepted and ignored: no allocator requests or maintenance here.
                }
                default -> {
                    return new HttpResponse(501, List.of(), null, new byte[0]);
                }
            }
            cluster.observations.schedulerCall(call.getType());
            return HttpResponse.accepted();
        }
    }

    private void accept(FrameworkRecord framework, Call.Accept accept) {
        List<OutstandingOffer> accepted = new ArrayList<>();
        String invalid = null;
        for (OfferID offerId : accept.getOfferIdsList()) {
            OutstandingOffer offer = offers.get(offerId.getValue());
            if (offer == null || !offer.frameworkId().equals(framework.id)) {
                invalid = "Offer " + offerId.getValue() + " is no longer valid";
            } else {
                accepted.add(offer);
            }
        }
        accepted.forEach(o -> offers.remove(o.id()));
        List<TaskInfo> launches = accept.getOperationsList().stream()
                .filter(op -> op.getType() == Offer.Operation.Type.LAUNCH)
                .flatMap(op -> op.getLaunch().getTaskInfosList().stream())
                .toList();
        if (invalid != null || accepted.isEmpty()) {
            String reason = invalid != null ? invalid : "No offers specified";
            TaskState state = framework.partitionAware() ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
            for (TaskInfo task : launches) {
                sendMasterUpdate(framework, task.getTaskId(), state, "Task launched with invalid offers: " + reason,
                        TaskStatus.Reason.REASON_INVALID_OFFERS, task.hasAgentId() ? task.getAgentId() : null);
            }
            return;
        }
        Resources remaining = Resources.EMPTY;
        for (OutstandingOffer offer : accepted) remaining = remaining.plus(offer.resources());
        List<String> executorsLaunchedHere = new ArrayList<>();
        for (Offer.Operation operation : accept.getOperationsList()) {
            if (operation.getType() != Offer.Operation.Type.LAUNCH) {
                for (TaskInfo task : operation.getLaunchGroup().getTaskGroup().getTasksList()) {
                    sendMasterUpdate(framework, task.getTaskId(), TaskState.TASK_ERROR,
                            "The simulator supports LAUNCH operations only, not " + operation.getType(),
                            TaskStatus.Reason.REASON_TASK_INVALID, task.getAgentId());
                }
                continue;
            }
            for (TaskInfo task : operation.getLaunch().getTaskInfosList()) {
                remaining = launch(framework, task, remaining, executorsLaunchedHere);
            }
        }
        double refuseSeconds = accept.getFilters().getRefuseSeconds();
        if (!remaining.isEmpty() && refuseSeconds > 0) addFilter(framework, remaining, refuseSeconds);
    }

    /** Validates and launches one task; returns what is left of the accepted offers. */
    private Resources launch(FrameworkRecord framework, TaskInfo task, Resources remaining, List<String> executorsLaunchedHere) {
        Optional<String> error = validateTask(framework, task);
        if (error.isPresent()) {
            sendMasterUpdate(framework, task.getTaskId(), TaskState.TASK_ERROR, error.get(),
                    TaskStatus.Reason.REASON_TASK_INVALID, task.getAgentId());
            return remaining;
        }
        String executorId = task.getExecutor().getExecutorId().getValue();
        boolean newExecutor = !cluster.agent.hasLiveExecutor(framework.id, executorId)
                && !executorsLaunchedHere.contains(executorId);
        Resources needed = Resources.of(task.getResourcesList());
        if (newExecutor) needed = needed.plus(Resources.of(task.getExecutor().getResourcesList()));
        if (!remaining.contains(needed)) {
            sendMasterUpdate(framework, task.getTaskId(), TaskState.TASK_ERROR,
                    "Total resources " + needed + " required by task and its executor is more than available " + remaining,
                    TaskStatus.Reason.REASON_TASK_INVALID, task.getAgentId());
            return remaining;
        }
        ExecutorInfo executor = task.getExecutor().toBuilder()
                .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id))
                .clearResources()
                .addAllResources(Resources.allocated(task.getExecutor().getResourcesList()))
                .build();
        TaskInfo launched = task.toBuilder()
                .clearResources()
                .addAllResources(Resources.allocated(task.getResourcesList()))
                .setExecutor(executor)
                .build();
        SimTask simTask = new SimTask(framework.id, launched);
        framework.tasks.put(simTask.id(), simTask);
        cluster.observations.taskLaunched(launched);
        if (newExecutor) executorsLaunchedHere.add(executorId);
        cluster.agent.launch(framework.info, simTask);
        return remaining.minus(needed);
    }

    private Optional<String> validateTask(FrameworkRecord framework, TaskInfo task) {
        if (framework.tasks.containsKey(task.getTaskId().getValue())) {
            return Optional.of("Task has duplicate ID: " + task.getTaskId().getValue());
        }
        if (!task.getAgentId().getValue().equals(cluster.agentId)) {
            return Optional.of("Task uses invalid agent: " + task.getAgentId().getValue());
        }
        if (task.hasExecutor() == task.hasCommand()) {
            return Optional.of("Task should have at least one (but not both) of CommandInfo or ExecutorInfo present");
        }
        if (task.hasExecutor() && task.getExecutor().hasFrameworkId()
                && !task.getExecutor().getFrameworkId().getValue().equals(framework.id)) {
            return Optional.of("ExecutorInfo has an invalid FrameworkID (Actual: "
                    + task.getExecutor().getFrameworkId().getValue() + " vs Expected: " + framework.id + ")");
        }
        if (task.hasExecutor() && !task.getExecutor().hasCommand()) {
            return Optional.of("The simulator runs custom executors with a CommandInfo only");
        }
        return Optional.empty();
    }

    private void decline(FrameworkRecord framework, Call.Decline decline) {
        double refuseSeconds = decline.getFilters().getRefuseSeconds();
        for (OfferID offerId : decline.getOfferIdsList()) {
            OutstandingOffer offer = offers.get(offerId.getValue());
            if (offer == null || !offer.frameworkId().equals(framework.id)) continue;
            offers.remove(offer.id());
            if (refuseSeconds > 0) addFilter(framework, offer.resources(), refuseSeconds);
        }
    }

    private void addFilter(FrameworkRecord framework, Resources resources, double refuseSeconds) {
        long expires = System.nanoTime() + (long) (refuseSeconds * 1e9);
        framework.filters.add(new FrameworkRecord.RefuseFilter(resources, expires));
    }

    private void revive(FrameworkRecord framework) {
        framework.filters.clear();
        framework.suppressed = false;
        allocate(); // README: OFFERS arrived within 1 ms of REVIVE
    }

    private void kill(FrameworkRecord framework, Call.Kill kill) {
        SimTask task = framework.tasks.get(kill.getTaskId().getValue());
        if (task == null) {
            // Mesos reconciles an unknown task instead (transcript 09-kill-unknown-task).
            sendUnknownTaskStatus(framework, kill.getTaskId(), kill.hasAgentId() ? kill.getAgentId() : null);
            return;
        }
        if (!task.isTerminal()) cluster.agent.killTask(task);
    }

    private void reconcile(FrameworkRecord framework, Call.Reconcile reconcile) {
        if (reconcile.getTasksCount() == 0) {
            for (SimTask task : framework.tasks.values()) send(framework, update(latestTaskState(task)));
            return;
        }
        for (Call.Reconcile.Task wanted : reconcile.getTasksList()) {
            SimTask task = framework.tasks.get(wanted.getTaskId().getValue());
            if (task != null) {
                send(framework, update(latestTaskState(task)));
            } else {
                sendUnknownTaskStatus(framework, wanted.getTaskId(), wanted.hasAgentId() ? wanted.getAgentId() : null);
            }
        }
    }

    private TaskStatus latestTaskState(SimTask task) {
        TaskStatus.Builder status = TaskStatus.newBuilder()
                .setTaskId(task.info.getTaskId())
                .setState(task.forwardedState != null ? task.forwardedState : task.state)
                .setMessage("Reconciliation: Latest task state")
                .setSource(TaskStatus.Source.SOURCE_MASTER)
                .setReason(TaskStatus.Reason.REASON_RECONCILIATION)
                .setAgentId(agentId())
                .setExecutorId(task.info.getExecutor().getExecutorId())
                .setTimestamp(Cluster.now());
        if (task.latestStatus != null && task.latestStatus.hasContainerStatus()) {
            status.setContainerStatus(task.latestStatus.getContainerStatus());
        }
        return status.build();
    }

    /** README surprise 4: TASK_LOST, or TASK_GONE / TASK_UNKNOWN for PARTITION_AWARE; no uuid. */
    private void sendUnknownTaskStatus(FrameworkRecord framework, TaskID taskId, AgentID agentId) {
        boolean agentKnown = agentId != null && agentId.getValue().equals(cluster.agentId);
        TaskState state = !framework.partitionAware() ? TaskState.TASK_LOST
                : agentKnown ? TaskState.TASK_GONE : TaskState.TASK_UNKNOWN;
        String message = agentKnown ? "Reconciliation: Task is unknown to the agent" : "Reconciliation: Task is unknown";
        sendMasterUpdate(framework, taskId, state, message, TaskStatus.Reason.REASON_RECONCILIATION, agentId);
    }

    /** An update the master makes up itself: SOURCE_MASTER and no uuid, so it needs no ACK. */
    private void sendMasterUpdate(FrameworkRecord framework, TaskID taskId, TaskState state, String message,
                                  TaskStatus.Reason reason, AgentID agentId) {
        TaskStatus.Builder status = TaskStatus.newBuilder()
                .setTaskId(taskId)
                .setState(state)
                .setMessage(message)
                .setSource(TaskStatus.Source.SOURCE_MASTER)
                .setReason(reason)
                .setTimestamp(Cluster.now());
        if (agentId != null && !agentId.getValue().isEmpty()) status.setAgentId(agentId);
        send(framework, update(status.build()));
    }

    // ---- framework removal -------------------------------------------------------------------

    /**
     * TEARDOWN, or the failover timeout ran out. Tasks and executors are freed at once; the agent
     * sends SHUTDOWN to the executors and kills them after the grace period.
     */
    private void removeFramework(FrameworkRecord framework, boolean endStream) {
        if (frameworks.remove(framework.id) == null) return;
        completedFrameworks.add(framework.info);
        framework.cancelTimers();
        removeOffersOf(framework);
        if (endStream && framework.stream != null) framework.stream.end(); // no event, just the 0-chunk
        framework.stream = null;
        framework.tasks.values().forEach(t -> t.resourcesReleased = true);
        framework.tasks.clear();
        cluster.agent.shutdownFramework(framework.id);
    }

    // ---- called by the agent -----------------------------------------------------------------

    boolean knowsFramework(String frameworkId) {
        return frameworks.containsKey(frameworkId);
    }

    /** Sends an agent's status update if the scheduler is connected; false if it could not. */
    boolean forwardUpdate(String frameworkId, TaskStatus status, SimTask task) {
        FrameworkRecord framework = frameworks.get(frameworkId);
        if (framework == null || !framework.connected()) return false;
        if (task != null) task.forwardedState = status.getState();
        send(framework, update(status));
        return true;
    }

    void taskRemoved(String frameworkId, String taskId) {
        FrameworkRecord framework = frameworks.get(frameworkId);
        if (framework != null) framework.tasks.remove(taskId);
    }

    /** README surprise 2: FAILURE has only agent_id, executor_id and the raw waitpid status. */
    void executorTerminated(String frameworkId, String executorId, Integer waitStatus) {
        FrameworkRecord framework = frameworks.get(frameworkId);
        if (framework == null) return;
        Event.Failure.Builder failure = Event.Failure.newBuilder()
                .setAgentId(agentId())
                .setExecutorId(ExecutorID.newBuilder().setValue(executorId));
        if (waitStatus != null) failure.setStatus(waitStatus);
        send(framework, Event.newBuilder().setType(Event.Type.FAILURE).setFailure(failure).build());
    }

    void executorMessage(String frameworkId, String executorId, ByteString data) {
        FrameworkRecord framework = frameworks.get(frameworkId);
        if (framework == null || cluster.faults.shouldDropFrameworkMessage(data.toByteArray())) return;
        send(framework, Event.newBuilder()
                .setType(Event.Type.MESSAGE)
                .setMessage(Event.Message.newBuilder()
                        .setAgentId(agentId())
                        .setExecutorId(ExecutorID.newBuilder().setValue(executorId))
                        .setData(data))
                .build());
    }

    // ---- offers ------------------------------------------------------------------------------

    /**
     * One allocation round: whatever is neither used nor offered goes to the first connected,
     * unsuppressed framework whose filters do not cover it. Runs every allocation interval and
     * right after SUBSCRIBE and REVIVE.
     */
    void allocate() {
        synchronized (cluster.lock) {
            for (FrameworkRecord framework : frameworks.values()) {
                if (!framework.connected() || framework.suppressed) continue;
                Resources available = available();
                if (!allocatable(available)) return;
                if (framework.refuses(available, System.nanoTime())) continue;
                sendOffer(framework, available);
            }
        }
    }

    /** Mesos' default min_allocatable_resources: at least 0.01 cpus or 32 MB of memory. */
    private static boolean allocatable(Resources resources) {
        return resources.scalar("cpus") >= 0.01 || resources.scalar("mem") >= 32;
    }

    private Resources available() {
        Resources free = cluster.config.agentResources().minus(cluster.agent.usedResources());
        for (OutstandingOffer offer : offers.values()) free = free.minus(offer.resources());
        return free;
    }

    private void sendOffer(FrameworkRecord framework, Resources resources) {
        String id = cluster.masterId + "-O" + nextOfferNumber++;
        offers.put(id, new OutstandingOffer(id, framework.id, resources));
        String host = cluster.config.hostname();
        Offer.Builder offer = Offer.newBuilder()
                .setId(OfferID.newBuilder().setValue(id))
                .setFrameworkId(FrameworkID.newBuilder().setValue(framework.id))
                .setAgentId(agentId())
                .setHostname(host)
                .setUrl(URL.newBuilder()
                        .setScheme("http")
                        .setAddress(Address.newBuilder().setHostname(host).setIp("127.0.0.1").setPort(cluster.agentPort()))
                        .setPath("/slave(1)"))
                .addAllResources(resources.toProtos(Resources.Shape.OFFER))
                .setAllocationInfo(Resources.allocationInfo());
        for (String executorId : cluster.agent.liveExecutorIdsNewestFirst(framework.id)) {
            offer.addExecutorIds(ExecutorID.newBuilder().setValue(executorId));
        }
        send(framework, Event.newBuilder()
                .setType(Event.Type.OFFERS)
                .setOffers(Event.Offers.newBuilder().addOffers(offer))
                .build());
    }

    private void removeOffersOf(FrameworkRecord framework) {
        offers.values().removeIf(o -> o.frameworkId().equals(framework.id));
    }

    /** Fault injection: takes every outstanding offer back with a RESCIND event. */
    void rescindAllOffers() {
        synchronized (cluster.lock) {
            for (OutstandingOffer offer : List.copyOf(offers.values())) {
                offers.remove(offer.id());
                FrameworkRecord framework = frameworks.get(offer.frameworkId());
                if (framework == null) continue;
                send(framework, Event.newBuilder()
                        .setType(Event.Type.RESCIND)
                        .setRescind(Event.Rescind.newBuilder().setOfferId(OfferID.newBuilder().setValue(offer.id())))
                        .build());
            }
        }
    }

    /** Fault injection: closes scheduler streams abruptly, as if the network broke. */
    void dropConnections(String frameworkIdOrNull) {
        List<EventStream> streams = new ArrayList<>();
        synchronized (cluster.lock) {
            for (FrameworkRecord framework : frameworks.values()) {
                if (framework.stream != null && (frameworkIdOrNull == null || framework.id.equals(frameworkIdOrNull))) {
                    streams.add(framework.stream);
                }
            }
        }
        // The disconnect itself is noticed by the connection thread, exactly as for a client-side drop.
        streams.forEach(EventStream::abort);
    }

    // ---- events ------------------------------------------------------------------------------

    private void send(FrameworkRecord framework, Event event) {
        if (framework.stream != null) sendOn(framework, framework.stream, event);
    }

    private void sendOn(FrameworkRecord framework, EventStream stream, Event event) {
        if (stream.send(event)) cluster.observations.sentToScheduler(framework.id, event);
    }

    private Event subscribed(String frameworkId) {
        return Event.newBuilder()
                .setType(Event.Type.SUBSCRIBED)
                .setSubscribed(Event.Subscribed.newBuilder()
                        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
                        .setHeartbeatIntervalSeconds(cluster.config.heartbeatInterval().toMillis() / 1000.0)
                        .setMasterInfo(masterInfo()))
                .build();
    }

    /** README surprise 9, field for field. */
    MasterInfo masterInfo() {
        int port = cluster.masterPort();
        String host = cluster.config.hostname();
        MasterInfo.Builder info = MasterInfo.newBuilder()
                .setId(cluster.masterId)
                .setIp(loopbackAsMesosInt())
                .setPort(port)
                .setPid("master@127.0.0.1:" + port)
                .setHostname(host)
                .setVersion(cluster.config.version())
                .setAddress(Address.newBuilder().setHostname(host).setIp("127.0.0.1").setPort(port))
                .addCapabilities(capability(MasterInfo.Capability.Type.AGENT_UPDATE))
                .addCapabilities(capability(MasterInfo.Capability.Type.AGENT_DRAINING));
        // QUOTA_V2 (3) is newer than the 1.11.0 classes; it travels as an unknown varint.
        info.addCapabilities(MasterInfo.Capability.newBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(1, UnknownFieldSet.Field.newBuilder().addVarint(3).build())
                .build()));
        return info.build();
    }

    private static MasterInfo.Capability capability(MasterInfo.Capability.Type type) {
        return MasterInfo.Capability.newBuilder().setType(type).build();
    }

    /** MasterInfo.ip is the IPv4 address in network byte order read as a little-endian int: 16777343. */
    private static int loopbackAsMesosInt() {
        byte[] b = InetAddress.getLoopbackAddress().getAddress();
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    private AgentID agentId() {
        return AgentID.newBuilder().setValue(cluster.agentId).build();
    }

    private static Event heartbeat() {
        return Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
    }

    private static Event error(String message) {
        return Event.newBuilder()
                .setType(Event.Type.ERROR)
                .setError(Event.Error.newBuilder().setMessage(message))
                .build();
    }

    private static Event update(TaskStatus status) {
        return Event.newBuilder()
                .setType(Event.Type.UPDATE)
                .setUpdate(Event.Update.newBuilder().setStatus(status))
                .build();
    }

    // ---- observation -------------------------------------------------------------------------

    /** A consistent copy of the registry for /state and for tests. */
    record FrameworkView(FrameworkInfo info, boolean connected, List<SimTaskView> tasks) {}

    record SimTaskView(String id, String name, String executorId, TaskState state) {}

    List<FrameworkView> frameworkViews() {
        synchronized (cluster.lock) {
            List<FrameworkView> views = new ArrayList<>();
            for (FrameworkRecord framework : frameworks.values()) {
                List<SimTaskView> tasks = framework.tasks.values().stream()
                        .map(t -> new SimTaskView(t.id(), t.info.getName(), t.executorId(), t.state))
                        .toList();
                views.add(new FrameworkView(framework.info, framework.connected(), tasks));
            }
            return views;
        }
    }

    List<FrameworkInfo> completedFrameworks() {
        synchronized (cluster.lock) {
            return List.copyOf(completedFrameworks);
        }
    }

    int outstandingOffers() {
        synchronized (cluster.lock) {
            return offers.size();
        }
    }

    Optional<TaskState> taskState(String taskId) {
        synchronized (cluster.lock) {
            return cluster.agent.taskState(taskId);
        }
    }
}
