package io.rendler.mesossim;

import java.util.EnumSet;
import java.util.Set;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * One launched task, shared by the master and the agent (they are one process here). Guarded by
 * the cluster lock.
 */
final class SimTask {

    private static final Set<TaskState> TERMINAL = EnumSet.of(
            TaskState.TASK_FINISHED, TaskState.TASK_FAILED, TaskState.TASK_KILLED, TaskState.TASK_LOST,
            TaskState.TASK_ERROR, TaskState.TASK_DROPPED, TaskState.TASK_GONE, TaskState.TASK_GONE_BY_OPERATOR);

    final String frameworkId;
    /** The TaskInfo as the executor receives it: allocation_info on resources, executor.framework_id set. */
    final TaskInfo info;
    final Resources resources;

    /** The latest state the agent knows of, whether or not the scheduler has seen it yet. */
    TaskState state = TaskState.TASK_STAGING;
    /**
     * The state of the latest update sent to the scheduler. Reconciliation reports this one (Mesos'
     * {@code status_update_state}), not {@link #state}, so it never runs ahead of the update stream.
     */
    TaskState forwardedState;
    /** The latest status received, for the container_status that reconciliation repeats. */
    TaskStatus latestStatus;
    boolean deliveredToExecutor;
    /** True once the master counts the task's resources as free again (terminal, or framework gone). */
    boolean resourcesReleased;

    SimTask(String frameworkId, TaskInfo info) {
        this.frameworkId = frameworkId;
        this.info = info;
        this.resources = Resources.of(info.getResourcesList());
    }

    String id() {
        return info.getTaskId().getValue();
    }

    String executorId() {
        return info.getExecutor().getExecutorId().getValue();
    }

    boolean isTerminal() {
        return isTerminal(state);
    }

    static boolean isTerminal(TaskState state) {
        return TERMINAL.contains(state);
    }
}
