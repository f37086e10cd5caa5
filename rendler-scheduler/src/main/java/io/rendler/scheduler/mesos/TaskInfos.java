package io.rendler.scheduler.mesos;

import com.google.protobuf.ByteString;
import io.rendler.common.MessageCodec;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import io.rendler.mesos.WarmUp;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.Value;

/**
 * Builds the ExecutorInfo for each executor kind and the TaskInfo for each task, so the backend's
 * logic reads as decisions rather than protobuf plumbing.
 *
 * <p>One ExecutorInfo per kind, with a fixed executor id, is reused for every task of that kind:
 * Mesos then starts the executor once per agent and hands it later tasks, which is what lets the
 * render executor keep one Chromium for many pages.
 */
public final class TaskInfos {

    /** How to start one executor kind on an agent. */
    public record ExecutorLaunch(String jarUrl, String command, Resources resources, Map<String, String> environment) {}

    private final FrameworkID frameworkId;
    private final Map<TaskKind, ExecutorLaunch> launches;
    private final Map<TaskKind, Resources> taskResources;

    public TaskInfos(FrameworkID frameworkId, Map<TaskKind, ExecutorLaunch> launches, Map<TaskKind, Resources> taskResources) {
        this.frameworkId = frameworkId;
        this.launches = Map.copyOf(launches);
        this.taskResources = Map.copyOf(taskResources);
    }

    public static ExecutorID executorId(TaskKind kind) {
        return ExecutorID.newBuilder().setValue("rendler-" + kind.label()).build();
    }

    /** The executor kind behind an executor id, or null when it is not one of ours. */
    public static TaskKind kindOf(ExecutorID id) {
        for (TaskKind kind : TaskKind.values()) {
            if (executorId(kind).equals(id)) return kind;
        }
        return null;
    }

    public ExecutorInfo executor(TaskKind kind, String role) {
        ExecutorLaunch launch = launches.get(kind);
        Environment.Builder env = Environment.newBuilder();
        launch.environment().forEach((name, value) ->
                env.addVariables(Environment.Variable.newBuilder().setName(name).setValue(value)));
        CommandInfo command = CommandInfo.newBuilder()
                .addUris(CommandInfo.URI.newBuilder().setValue(launch.jarUrl()).setExecutable(false).setExtract(false))
                .setValue(launch.command())
                .setShell(true)
                .setEnvironment(env)
                .build();
        return ExecutorInfo.newBuilder()
                .setType(ExecutorInfo.Type.CUSTOM)
                .setExecutorId(executorId(kind))
                .setFrameworkId(frameworkId)
                .setName("Rendler " + kind.label() + " executor")
                .setCommand(command)
                .addAllResources(scalars(launch.resources(), role))
                .build();
    }

    /** The TaskInfo for one task; the encoded {@link TaskRequest} rides in {@code data}. */
    public TaskInfo task(TaskRequest request, AgentID agent, String role) {
        return onExecutor(request.kind(), request.taskId(), request.kind().label() + " " + abbreviate(request.url()), agent, role)
                .setData(ByteString.copyFrom(MessageCodec.encode(request)))
                .build();
    }

    /** A task that only starts the executor of {@code kind} on that agent; see {@link WarmUp}. */
    public TaskInfo warmUp(TaskKind kind, String taskId, AgentID agent, String role) {
        return onExecutor(kind, taskId, kind.label() + " warm-up (starts the executor before its first page)", agent, role)
                .setLabels(WarmUp.labels())
                .build();
    }

    /** A task of {@code kind} on that agent's executor of the kind, with the kind's task resources. */
    private TaskInfo.Builder onExecutor(TaskKind kind, String taskId, String name, AgentID agent, String role) {
        return TaskInfo.newBuilder()
                .setName(name)
                .setTaskId(TaskID.newBuilder().setValue(taskId))
                .setAgentId(agent)
                .addAllResources(scalars(taskResources.get(kind), role))
                .setExecutor(executor(kind, role));
    }

    /**
     * Scalar resources for {@code role}. A MULTI_ROLE framework must say which of its roles each
     * resource is allocated to ({@code allocation_info}); the deprecated {@code role} field stays at
     * its default.
     */
    static List<Resource> scalars(Resources amount, String role) {
        return List.of(scalar("cpus", amount.cpus(), role), scalar("mem", amount.memMb(), role));
    }

    private static Resource scalar(String name, double value, String role) {
        return Resource.newBuilder()
                .setName(name)
                .setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(value))
                .setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role))
                .build();
    }

    private static String abbreviate(String url) {
        return url.length() <= 120 ? url : url.substring(0, 117) + "...";
    }
}
