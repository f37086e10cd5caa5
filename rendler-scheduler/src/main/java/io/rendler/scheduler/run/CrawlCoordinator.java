package io.rendler.scheduler.run;

import io.rendler.common.MessageCodec;
import io.rendler.common.ResultMessage;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import io.rendler.scheduler.core.CrawlScheduler;
import io.rendler.scheduler.core.CrawlSettings;
import io.rendler.scheduler.core.Delivery;
import io.rendler.scheduler.core.PageEvent;
import io.rendler.scheduler.core.Progress;
import io.rendler.scheduler.core.RobotsRules;
import io.rendler.scheduler.core.TaskEnd;
import io.rendler.scheduler.graph.GraphSnapshot;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The thread-safe door to the {@link CrawlScheduler}. Backends call in from their own threads
 * (worker pools in local mode, the event stream reader under Mesos); this class serialises those
 * calls and lets callers wait for work or for the end of the run. It holds no crawl logic.
 */
public final class CrawlCoordinator {

    private final CrawlScheduler core;
    private final CrawlRecorder recorder;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Runnable> workListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> robotsListeners = new CopyOnWriteArrayList<>();

    public CrawlCoordinator(CrawlScheduler core) {
        this(core, CrawlRecorder.NONE);
    }

    public CrawlCoordinator(CrawlScheduler core, CrawlRecorder recorder) {
        this.core = core;
        this.recorder = recorder;
    }

    /** Called (outside the lock) whenever new work may have been queued; the Mesos backend REVIVEs on it. */
    public void onWorkAvailable(Runnable listener) {
        workListeners.add(listener);
    }

    /**
     * {@code fetcher} gets each origin whose robots.txt the core needs (those already wanted at
     * once), outside the lock; it answers later through {@link #robotsKnown}.
     */
    public void onRobotsWanted(Consumer<String> fetcher) {
        robotsListeners.add(fetcher);
        locked(core::drainRobotsRequests).forEach(fetcher);
    }

    /** An origin's robots.txt, fetched and parsed outside the core. */
    public void robotsKnown(String origin, RobotsRules rules) {
        mutate(() -> {
            if (core.onRobots(origin, rules)) recorder.robotsKnown(origin, rules);
        });
    }

    public CrawlSettings settings() {
        return core.settings();
    }

    /** The next task of {@code kind}, or empty when there is none right now. Never blocks. */
    public Optional<TaskRequest> poll(TaskKind kind) {
        return locked(() -> launch(kind));
    }

    private Optional<TaskRequest> launch(TaskKind kind) {
        Optional<TaskRequest> next = core.nextTask(kind);
        next.ifPresent(recorder::launched);
        return next;
    }

    /**
     * Blocks until a task of {@code kind} is ready and returns it, or returns empty when the run
     * is stopped or finished and no task of that kind will come.
     */
    public Optional<TaskRequest> take(TaskKind kind) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                Optional<TaskRequest> next = launch(kind);
                if (next.isPresent()) return next;
                if (core.isStopped() || core.isFinished()) return Optional.empty();
                // A host's delay or a Retry-After ends without any event, so wake up for it.
                OptionalLong wait = core.nanosUntilReady(kind);
                if (wait.isPresent()) changed.awaitNanos(Math.max(wait.getAsLong(), 100_000));
                else changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    public boolean hasQueuedWork() {
        return locked(() -> core.hasQueuedWork(TaskKind.CRAWL) || core.hasQueuedWork(TaskKind.RENDER));
    }

    public boolean hasQueuedWork(TaskKind kind) {
        return locked(() -> core.hasQueuedWork(kind));
    }

    /**
     * An encoded result from an executor, or from anyone pretending to be one. Bytes that do not
     * decode, and results that do not match the task they name, are dropped: the task's terminal
     * update then triggers a retry, so nothing is lost.
     */
    public Delivery deliver(byte[] encodedResult) {
        return deliver(encodedResult, null);
    }

    /** A result carried by {@code taskId}'s own terminal status update, which must be that task's. */
    public Delivery deliverFor(String taskId, byte[] encodedResult) {
        return deliver(encodedResult, taskId);
    }

    private Delivery deliver(byte[] encodedResult, String carrierTaskId) {
        ResultMessage message;
        try {
            message = MessageCodec.decodeResult(encodedResult);
        } catch (MessageCodec.MalformedMessageException e) {
            return Delivery.malformed(e.getMessage());
        }
        if (carrierTaskId != null && !message.taskId().equals(carrierTaskId)) {
            return Delivery.unexpected("the update of task " + carrierTaskId + " carries a result for task " + message.taskId());
        }
        return mutate(() -> {
            int admittedBefore = core.pageCount();
            Delivery delivery = core.onResult(message);
            if (delivery.verdict() == Delivery.Verdict.APPLIED) {
                recorder.resultApplied(message, encodedResult, core.admittedSince(admittedBefore));
            }
            return delivery;
        });
    }

    public void taskEnded(String taskId, TaskEnd end, String reason) {
        mutate(() -> {
            if (core.onTaskEnded(taskId, end, reason)) recorder.taskEnded(taskId, end, reason);
        });
    }

    /** Stops launching new work; tasks in flight may still finish. */
    public void stop(String reason) {
        mutate(() -> {
            if (core.isStopped()) return;
            core.stop(reason);
            recorder.stopped(reason);
        });
    }

    /** The tasks launched and not ended, as they were handed out; a Mesos scheduler adopts them after a failover. */
    public List<TaskRequest> runningTasks() {
        return locked(core::runningTasks);
    }

    public boolean isStopped() {
        return locked(core::isStopped);
    }

    public boolean isFinished() {
        return locked(core::isFinished);
    }

    /** Waits until the run is finished; false when {@code timeout} passed first. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (!core.isFinished()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits for any change, up to {@code timeout}; used by pollers such as the progress line. */
    public void awaitChange(Duration timeout) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            changed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } finally {
            lock.unlock();
        }
    }

    public Collection<String> runningTaskIds() {
        return locked(core::runningTaskIds);
    }

    public Progress progress() {
        return locked(core::progress);
    }

    public List<PageEvent> drainEvents() {
        return locked(core::drainEvents);
    }

    public GraphSnapshot snapshot() {
        return locked(core::snapshot);
    }

    /** The pages named by {@code urls} and their links, for the live view (see {@link CrawlScheduler#snapshotOf}). */
    public GraphSnapshot snapshotOf(Collection<String> urls) {
        return locked(() -> core.snapshotOf(urls));
    }

    public String outcome() {
        return locked(core::outcome);
    }

    private void mutate(Runnable change) {
        mutate(() -> {
            change.run();
            return null;
        });
    }

    private <T> T mutate(java.util.function.Supplier<T> change) {
        T result;
        boolean work;
        List<String> robotsWanted;
        lock.lock();
        try {
            result = change.get();
            work = core.hasQueuedWork(TaskKind.CRAWL) || core.hasQueuedWork(TaskKind.RENDER);
            robotsWanted = robotsListeners.isEmpty() ? List.of() : core.drainRobotsRequests();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (String origin : robotsWanted) robotsListeners.forEach(listener -> listener.accept(origin));
        if (work) workListeners.forEach(Runnable::run);
        return result;
    }

    private <T> T locked(java.util.function.Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }
}
