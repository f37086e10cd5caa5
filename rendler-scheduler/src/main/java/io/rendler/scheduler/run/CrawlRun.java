package io.rendler.scheduler.run;

import io.rendler.scheduler.core.CrawlCoordinator;
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

/**
 * One crawl from start to written outputs: builds the core, starts the backend, waits for the end
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

    private final CrawlSettings settings;
    private final ClusterBackend backend;
    private final Outputs outputs;
    private final ProgressReporter progress;
    private final Duration grace;
    private final Optional<Duration> timeLimit;
    private volatile CrawlCoordinator coordinator;
    private volatile String pendingStop;

    public CrawlRun(CrawlSettings settings, ClusterBackend backend, Outputs outputs, ProgressReporter progress,
            Duration grace, Optional<Duration> timeLimit) {
        this.settings = settings;
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

    public Result run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        CrawlCoordinator coord = new CrawlCoordinator(new CrawlScheduler(settings));
        coordinator = coord;
        if (pendingStop != null) coord.stop(pendingStop);
        progress.start(coord);
        RuntimeException failure = null;
        // The core asks for a host's robots.txt only when it obeys them (not with --ignore-robots).
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
            RunSummary summary = new RunSummary(settings.startUrl(), p.crawled(), p.rendered(), p.failed(),
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
                if (!coord.awaitFinished(grace)) {
                    progress.note("grace period over: killing " + coord.runningTaskIds().size() + " tasks still running");
                    backend.killRunning();
                }
                return;
            }
        }
    }
}
