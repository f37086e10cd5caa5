package io.rendler.render;

import io.rendler.common.ResultMessage;
import io.rendler.common.TaskHandler;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A handler that is built on a thread of its own, so the executor can subscribe to its agent
 * while the browsers start: both take about a second, and tasks can only arrive once subscribed.
 * Tasks that arrive early wait for the handler. If it cannot be built (no Chromium on this
 * agent, say), every task fails with that reason, which then shows in each TASK_FAILED the
 * scheduler sees; a bare exit would only say "Executor terminated".
 */
final class StartingHandler implements TaskHandler {

    private final TaskKind kind;
    private final int parallelism;
    private final CompletableFuture<TaskHandler> started = new CompletableFuture<>();

    StartingHandler(TaskKind kind, int parallelism, Supplier<TaskHandler> build) {
        this.kind = kind;
        this.parallelism = parallelism;
        Thread starter = new Thread(() -> {
            try {
                started.complete(build.get());
            } catch (Throwable failure) {
                started.completeExceptionally(failure);
            }
        }, kind.label() + "-handler-start");
        starter.setDaemon(true);
        starter.start();
    }

    @Override
    public TaskKind kind() {
        return kind;
    }

    @Override
    public int parallelism() {
        return parallelism;
    }

    @Override
    public ResultMessage handle(TaskRequest request) throws Exception {
        TaskHandler handler;
        try {
            handler = started.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(reason(e.getCause()), e.getCause());
        }
        return handler.handle(request);
    }

    /** Waits for the start to end, then closes what it built. */
    @Override
    public void close() {
        try {
            started.join().close();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            // nothing was built, so nothing to close
        }
    }

    static String reason(Throwable failure) {
        String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        return "render executor cannot render: " + message;
    }
}
