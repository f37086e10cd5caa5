package io.rendler.common;

/**
 * The work one executor type does for one task. Both executors are a handler plugged into the
 * shared run loop ({@code io.rendler.mesos.ExecutorRunLoop}) under Mesos, and local mode
 * calls the same handlers directly.
 *
 * <p>Implementations are thread-safe: {@link #handle} is called from up to {@link #parallelism()}
 * threads at once. A page that fails (dead host, 404, timeout) is a normal result with an error;
 * only a fault in the executor itself should throw.
 */
public interface TaskHandler extends AutoCloseable {

    TaskKind kind();

    /** How many tasks this handler runs at once; callers queue the rest. */
    int parallelism();

    ResultMessage handle(TaskRequest request) throws Exception;

    @Override
    default void close() {}
}
