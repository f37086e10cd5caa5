package io.rendler.scheduler.run;

import io.rendler.scheduler.core.CrawlScheduler;
import io.rendler.scheduler.core.CrawlSettings;
import io.rendler.scheduler.graph.GraphSnapshot;
import io.rendler.scheduler.graph.RunSummary;
import io.rendler.scheduler.output.OutputFile;
import io.rendler.scheduler.robots.RobotsFetcher;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * One crawl from start to written outputs: takes the core (new, or replayed from a journal), starts the backend, waits for the end
 * (or a stop: Ctrl-C, a time limit), gives tasks in flight a bounded grace period, then writes
 * every output for whatever was done. Outputs are written even when the backend fails.
 */
public final class CrawlRun {

    /** Writes the run's files; returns what it wrote. */
    @FunctionalInterface
    public interface Outputs {
        List<OutputFile> write(GraphSnapshot graph, RunSummary summary) throws IOException;
    }

    /** What a finished run hands back to the CLI. */
    public record Result(RunSummary summary, GraphSnapshot graph, List<OutputFile> written, boolean interrupted,
            Optional<RuntimeException> failure) {}

    private final CrawlScheduler core;
    private final CrawlRecorder recorder;
    private final ClusterBackend backend;
    private final Outputs outputs;
    private final ProgressReporter progress;
    private final Duration grace;
    private final Optional<Duration> timeLimit;
    private volatile CrawlCoordinator coordinator;
    private volatile String pendingStop;
    private final CountDownLatch stopWaiting = new CountDownLatch(1);
    private final List<Consumer<CrawlCoordinator>> startListeners = new CopyOnWriteArrayList<>();

    /** @param recorder hears every change to {@code core}: the journal */
    public CrawlRun(CrawlScheduler core, CrawlRecorder recorder, ClusterBackend backend, Outputs outputs, ProgressReporter progress,
            Duration grace, Optional<Duration> timeLimit) {
        this.core = core;
        this.recorder = recorder;
        this.backend = backend;
        this.outputs = outputs;
        this.progress = progress;
        this.grace = grace;
        this.timeLimit = timeLimit;
    }

    /** Asks the run to stop launching work; safe from any thread, such as a signal handler. */
    public void requestStop(String reason) {
        pendingStop = reason;
        CrawlCoordinator current = coordinator;
        if (current != null) current.stop(reason);
    }

    /**
     * Gives up waiting for tasks in flight (a second Ctrl-C): they are killed and the outputs are
     * written at once from what is known. Safe from any thread.
     */
    public void stopWaiting() {
        stopWaiting.countDown();
    }

    /** {@code listener} gets the run's coordinator as the run starts, before the backend does; the live view reads through it. */
    public void onStart(Consumer<CrawlCoordinator> listener) {
        startListeners.add(listener);
    }

    public Result run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        CrawlCoordinator coord = new CrawlCoordinator(core, recorder);
        coordinator = coord;
        startListeners.forEach(listener -> listener.accept(coord));
        if (pendingStop != null) coord.stop(pendingStop);
        progress.start(coord);
        RuntimeException failure = null;
        // The core asks for a host's robots.txt only when it obeys them (not with --ignore-robots).
        CrawlSettings settings = core.settings();
        RobotsFetcher robots = settings.politeness().obeyRobots()
                ? new RobotsFetcher(settings.limits().userAgent(), Duration.ofMillis(settings.limits().timeoutMillis()), settings.guard())
                : null;
        if (robots != null) coord.onRobotsWanted(origin -> robots.fetchAsync(origin, coord::robotsKnown));
        try {
            try {
                backend.start(coord);
                waitForEnd(coord, start);
            } catch (RuntimeException e) {
                failure = e;
                coord.stop("failed: " + e.getMessage());
            }
            if (failure == null) failure = backend.failure().orElse(null);
            GraphSnapshot graph = coord.snapshot();
            var p = coord.progress();
            RunSummary summary = new RunSummary(core.settings().startUrl(), p.crawled(), p.rendered(), p.failed(),
                    graph.links().size(), Duration.ofNanos(System.nanoTime() - start), coord.outcome());
            progress.close();
            List<OutputFile> written = outputs.write(graph, summary);
            return new Result(summary, graph, written, pendingStop != null, Optional.ofNullable(failure));
        } finally {
            progress.close();
            if (robots != null) robots.close();
            backend.close();
        }
    }

    private void waitForEnd(CrawlCoordinator coord, long start) throws InterruptedException {
        while (!coord.awaitFinished(Duration.ofMillis(200))) {
            if (timeLimit.isPresent() && System.nanoTime() - start > timeLimit.get().toNanos()) {
                coord.stop("time limit " + timeLimit.get().toSeconds() + "s reached");
            }
            if (coord.isStopped()) {
                if (backend.failure().isPresent()) return; // no result can arrive any more: no grace to wait out
                int inFlight = coord.progress().inFlight();
                if (inFlight > 0) progress.note("stopping: waiting up to " + grace.toSeconds() + "s for " + inFlight + " tasks in flight");
                if (!awaitFinishedWithinGrace(coord)) {
                    progress.note((stopWaiting.getCount() == 0 ? "not waiting any longer" : "grace period over")
                            + ": killing " + coord.runningTaskIds().size() + " tasks still running");
                    backend.killRunning();
                }
                return;
            }
        }
    }

    /** Whether the tasks in flight all ended within the grace period, unless {@link #stopWaiting} cut it short. */
    private boolean awaitFinishedWithinGrace(CrawlCoordinator coord) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        while (!coord.awaitFinished(Duration.ofMillis(100))) {
            if (stopWaiting.getCount() == 0 || System.nanoTime() - deadline > 0) return false;
        }
        return true;
    }
}
