package io.rendler.mesos;

import com.google.protobuf.ByteString;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * Named factories for the scheduler {@link Call}s Rendler sends, so logic code reads as the
 * decision ({@code decline(offers, 5)}) rather than as protobuf plumbing.
 *
 * <p>Only {@link #subscribe} sets the top-level {@code framework_id}: {@link SchedulerClient#send}
 * stamps the subscribed framework's id on every other call, and the master answers 400 without it.
 */
public final class SchedulerCalls {

    private SchedulerCalls() {}

    /**
     * SUBSCRIBE, or resubscribe when {@code frameworkInfo} already has an id. Mesos quirk: a
     * resubscription needs the id twice, in {@code framework_info.id} and in the top-level
     * {@code framework_id}; otherwise the master registers a brand-new framework.
     */
    public static Call subscribe(FrameworkInfo frameworkInfo) {
        Call.Builder call = Call.newBuilder()
                .setType(Call.Type.SUBSCRIBE)
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(frameworkInfo));
        if (frameworkInfo.hasId()) call.setFrameworkId(frameworkInfo.getId());
        return call.build();
    }

    /** ACCEPT: run {@code operations} on the offers; resources left unused are refused per {@code filters}. */
    public static Call accept(Collection<OfferID> offerIds, List<Offer.Operation> operations, Filters filters) {
        requireNonEmpty(offerIds, "offerIds");
        return Call.newBuilder()
                .setType(Call.Type.ACCEPT)
                .setAccept(Call.Accept.newBuilder()
                        .addAllOfferIds(offerIds)
                        .addAllOperations(operations)
                        .setFilters(filters))
                .build();
    }

    /** The LAUNCH operation for an ACCEPT. */
    public static Offer.Operation launch(List<TaskInfo> tasks) {
        requireNonEmpty(tasks, "tasks");
        return Offer.Operation.newBuilder()
                .setType(Offer.Operation.Type.LAUNCH)
                .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(tasks))
                .build();
    }

    /**
     * How long the master keeps declined or unused resources away from us. Mesos' default is
     * 5 s; the field is {@code refuse_seconds}, a double.
     */
    public static Filters refuseFor(double refuseSeconds) {
        if (!(refuseSeconds >= 0)) throw new IllegalArgumentException("refuseSeconds must be >= 0: " + refuseSeconds);
        return Filters.newBuilder().setRefuseSeconds(refuseSeconds).build();
    }

    /**
     * DECLINE. Mesos quirk: the filter only blocks resources inside the declined set; a later
     * offer that is a superset (say after a task ends) arrives at once anyway.
     */
    public static Call decline(Collection<OfferID> offerIds, double refuseSeconds) {
        requireNonEmpty(offerIds, "offerIds");
        return Call.newBuilder()
                .setType(Call.Type.DECLINE)
                .setDecline(Call.Decline.newBuilder().addAllOfferIds(offerIds).setFilters(refuseFor(refuseSeconds)))
                .build();
    }

    /**
     * ACKNOWLEDGE one status update. {@code uuid} is the update's raw bytes (base64 in JSON),
     * copied unchanged from {@code TaskStatus.uuid}.
     */
    public static Call acknowledge(AgentID agentId, TaskID taskId, ByteString uuid) {
        Objects.requireNonNull(agentId, "agentId");
        if (uuid.isEmpty()) throw new IllegalArgumentException("an acknowledgement needs the update's uuid");
        return Call.newBuilder()
                .setType(Call.Type.ACKNOWLEDGE)
                .setAcknowledge(Call.Acknowledge.newBuilder().setAgentId(agentId).setTaskId(taskId).setUuid(uuid))
                .build();
    }

    /**
     * The ACKNOWLEDGE an update needs, or empty when it needs none. Mesos rule: an update with a
     * {@code uuid} must be acknowledged (or the agent resends it forever); one without a uuid
     * (reconciliation answers, TASK_LOST for unknown tasks) must not be.
     */
    public static Optional<Call> acknowledgementFor(TaskStatus status) {
        if (!status.hasUuid() || status.getUuid().isEmpty()) return Optional.empty();
        if (!status.hasAgentId()) {
            throw new IllegalArgumentException("update for " + status.getTaskId().getValue() + " has a uuid but no agent_id");
        }
        return Optional.of(acknowledge(status.getAgentId(), status.getTaskId(), status.getUuid()));
    }

    /** RECONCILE the given tasks; an empty list asks for every task the master knows (implicit). */
    public static Call reconcile(Collection<Call.Reconcile.Task> tasks) {
        return Call.newBuilder()
                .setType(Call.Type.RECONCILE)
                .setReconcile(Call.Reconcile.newBuilder().addAllTasks(tasks))
                .build();
    }

    /**
     * One task to reconcile; {@code agentId} may be null. For a task the master does not know,
     * the answer is TASK_LOST, or TASK_GONE (with agent) / TASK_UNKNOWN (without) for a
     * PARTITION_AWARE framework. Those answers carry no uuid, so they are not acknowledged.
     */
    public static Call.Reconcile.Task reconcileTask(TaskID taskId, AgentID agentId) {
        Call.Reconcile.Task.Builder task = Call.Reconcile.Task.newBuilder().setTaskId(taskId);
        if (agentId != null) task.setAgentId(agentId);
        return task.build();
    }

    /** KILL a task; {@code agentId} may be null. Killing an unknown task yields a TASK_LOST update. */
    public static Call kill(TaskID taskId, AgentID agentId) {
        Call.Kill.Builder kill = Call.Kill.newBuilder().setTaskId(taskId);
        if (agentId != null) kill.setAgentId(agentId);
        return Call.newBuilder().setType(Call.Type.KILL).setKill(kill).build();
    }

    /**
     * SHUTDOWN an executor with all its tasks. A FAILURE event follows even for a clean exit
     * (status 0), then TASK_KILLED or TASK_FAILED updates for tasks it had not finished.
     */
    public static Call shutdown(ExecutorID executorId, AgentID agentId) {
        return Call.newBuilder()
                .setType(Call.Type.SHUTDOWN)
                .setShutdown(Call.Shutdown.newBuilder().setExecutorId(executorId).setAgentId(agentId))
                .build();
    }

    /** A framework MESSAGE to an executor: best effort, may be dropped; keep it at the KB level. */
    public static Call message(AgentID agentId, ExecutorID executorId, byte[] data) {
        return Call.newBuilder()
                .setType(Call.Type.MESSAGE)
                .setMessage(Call.Message.newBuilder()
                        .setAgentId(agentId)
                        .setExecutorId(executorId)
                        .setData(ByteString.copyFrom(data)))
                .build();
    }

    /** SUPPRESS offers for the roles, or for all of the framework's roles when none are given. */
    public static Call suppress(String... roles) {
        Call.Builder call = Call.newBuilder().setType(Call.Type.SUPPRESS);
        if (roles.length > 0) call.setSuppress(Call.Suppress.newBuilder().addAllRoles(List.of(roles)));
        return call.build();
    }

    /** REVIVE offers for the roles (or all), clearing every filter set by DECLINE or ACCEPT. */
    public static Call revive(String... roles) {
        Call.Builder call = Call.newBuilder().setType(Call.Type.REVIVE);
        if (roles.length > 0) call.setRevive(Call.Revive.newBuilder().addAllRoles(List.of(roles)));
        return call.build();
    }

    /** TEARDOWN: the master kills every task and forgets the framework; the stream then just ends. */
    public static Call teardown() {
        return Call.newBuilder().setType(Call.Type.TEARDOWN).build();
    }

    /** The call with {@code frameworkId} as its top-level framework id, unless it already has one. */
    public static Call withFrameworkId(Call call, FrameworkID frameworkId) {
        return call.hasFrameworkId() ? call : call.toBuilder().setFrameworkId(frameworkId).build();
    }

    private static void requireNonEmpty(Collection<?> values, String what) {
        if (values == null || values.isEmpty()) throw new IllegalArgumentException(what + " must not be empty");
    }
}
