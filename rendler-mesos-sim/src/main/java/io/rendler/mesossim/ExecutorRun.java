package io.rendler.mesossim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.TaskStatus;

/** The agent's view of one executor container. Guarded by the cluster lock. */
final class ExecutorRun {

    enum State {
        /** Sandbox, fetch and process start are under way. */
        LAUNCHING,
        /** The process runs but has not subscribed yet; calls other than SUBSCRIBE get 403. */
        REGISTERING,
        RUNNING,
        /** SHUTDOWN was sent; the process is killed when the grace period ends. */
        TERMINATING,
        TERMINATED
    }

    final String frameworkId;
    final FrameworkInfo frameworkInfo;
    /** As the executor receives it in SUBSCRIBED: allocation_info on every resource. */
    final ExecutorInfo info;
    final String containerId;
    final Path sandbox;
    final Resources resources;

    State state = State.LAUNCHING;
    Process process;
    long pid = -1;
    EventStream stream;
    /** Every task given to this executor that the agent still tracks. */
    final Map<String, SimTask> tasks = new LinkedHashMap<>();
    /** Tasks waiting for the executor to subscribe; LAUNCH goes out right after SUBSCRIBED. */
    final List<SimTask> queued = new ArrayList<>();
    /** Set when the simulator kills the process, so its status is reported as the signal. */
    boolean killedBySimulator;
    TaskStatus.Reason terminationReason = TaskStatus.Reason.REASON_EXECUTOR_TERMINATED;
    String terminationMessage = "Executor terminated";
    boolean resourcesReleased;
    ScheduledFuture<?> registrationTimeout;
    ScheduledFuture<?> shutdownTimeout;

    ExecutorRun(String frameworkId, FrameworkInfo frameworkInfo, ExecutorInfo info, String containerId, Path sandbox) {
        this.frameworkId = frameworkId;
        this.frameworkInfo = frameworkInfo;
        this.info = info;
        this.containerId = containerId;
        this.sandbox = sandbox;
        this.resources = Resources.of(info.getResourcesList());
    }

    String executorId() {
        return info.getExecutorId().getValue();
    }

    boolean isLive() {
        return state != State.TERMINATED;
    }

    void cancelTimers() {
        if (registrationTimeout != null) registrationTimeout.cancel(false);
        if (shutdownTimeout != null) shutdownTimeout.cancel(false);
    }
}
