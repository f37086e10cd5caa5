package io.rendler.scheduler.local;

import io.rendler.common.MessageCodec;
import io.rendler.common.ResultMessage;
import io.rendler.common.TaskHandler;
import io.rendler.common.TaskRequest;
import io.rendler.scheduler.core.TaskEnd;
import io.rendler.scheduler.run.ClusterBackend;
import io.rendler.scheduler.run.CrawlCoordinator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The embedded default: runs the crawl and render executors' handlers in this JVM, each on as
 * many worker threads as it can run tasks at once.
 *
 * <p>Requests and results still go through {@link MessageCodec} as bytes, exactly as they would
 * travel in {@code TaskInfo.data} and framework messages under Mesos, so the codec is exercised on
 * every local run and a schema mistake shows up on a laptop rather than on a cluster.
 */
public final class LocalBackend implements ClusterBackend {

    private final List<TaskHandler> handlers;
    private final List<Thread> workers = new ArrayList<>();

    public LocalBackend(List<TaskHandler> handlers) {
        this.handlers = List.copyOf(handlers);
    }

    @Override
    public String describe() {
        StringBuilder out = new StringBuilder("local:");
        for (TaskHandler handler : handlers) {
            out.append(out.length() > 6 ? " +" : "").append(' ').append(handler.parallelism()).append(' ')
                    .append(handler.kind().label()).append(" slots");
        }
        return out.toString();
    }

    @Override
    public void start(CrawlCoordinator coordinator) {
        for (TaskHandler handler : handlers) {
            for (int i = 1; i <= handler.parallelism(); i++) {
                Thread worker = new Thread(() -> work(coordinator, handler), handler.kind().label() + "-worker-" + i);
                worker.setDaemon(true);
                workers.add(worker);
                worker.start();
            }
        }
    }

    private static void work(CrawlCoordinator coordinator, TaskHandler handler) {
        try {
            Optional<TaskRequest> next;
            while ((next = coordinator.take(handler.kind())).isPresent()) {
                run(coordinator, handler, next.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run(CrawlCoordinator coordinator, TaskHandler handler, TaskRequest request) throws InterruptedException {
        TaskRequest received = MessageCodec.decodeRequest(MessageCodec.encode(request));
        try {
            ResultMessage result = handler.handle(received);
            coordinator.deliver(MessageCodec.encode(result));
            coordinator.taskEnded(request.taskId(), TaskEnd.FINISHED, null);
        } catch (InterruptedException e) {
            coordinator.taskEnded(request.taskId(), TaskEnd.KILLED, "killed");
            throw e;
        } catch (Exception | LinkageError e) {
            coordinator.taskEnded(request.taskId(), TaskEnd.FAILED, oneLine(e));
        }
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    public void killRunning() {
        workers.forEach(Thread::interrupt);
    }

    @Override
    public void close() {
        killRunning();
        for (Thread worker : workers) {
            try {
                worker.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (TaskHandler handler : handlers) {
            try {
                handler.close();
            } catch (Exception e) {
                System.err.println("rendler: closing the " + handler.kind().label() + " executor: " + oneLine(e));
            }
        }
    }
}
