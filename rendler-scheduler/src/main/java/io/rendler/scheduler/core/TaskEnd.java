package io.rendler.scheduler.core;

/**
 * How a task ended, as far as the scheduler core cares. Backends map Mesos task states onto it:
 * TASK_FINISHED is {@link #FINISHED}; TASK_FAILED, TASK_ERROR, TASK_LOST, TASK_DROPPED, TASK_GONE
 * and friends are {@link #FAILED}; TASK_KILLED is {@link #KILLED}.
 */
public enum TaskEnd {
    /** The executor says it finished; the result may still be missing if its message was dropped. */
    FINISHED,
    /** The task or its executor failed, or the cluster lost it. Worth another attempt. */
    FAILED,
    /** We killed it (stop or shutdown). Not retried. */
    KILLED
}
