package io.rendler.scheduler.run;

import io.rendler.scheduler.core.PageEvent;
import io.rendler.scheduler.core.Progress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Shows the run as it goes, on stderr. On a terminal it keeps one live counter line up to date
 * and prints only failures and retries above it; otherwise (a log file, CI) it prints one plain
 * line per page event and a totals line every ten seconds.
 */
public final class ProgressReporter implements AutoCloseable {

    public enum Mode { LIVE, PLAIN, QUIET }

    private static final long TICK_MILLIS = 250;
    private static final long PLAIN_TOTALS_EVERY_MILLIS = 10_000;

    private final PrintStream out;
    private final Mode mode;
    private final int pageLimit;
    private final boolean rendering;
    /** When the first page was finished, for the rate behind the time-left estimate; 0 until then. */
    private long firstFinishedNanos;
    private long startNanos = System.nanoTime();
    private volatile boolean running = true;
    private Thread thread;
    private CrawlCoordinator coordinator;
    private int lastLineLength;

    /**
     * @param pageLimit the crawl's --max-pages, for the estimate of the time left
     * @param rendering whether pages are rendered, which is then what finishes a page
     */
    public ProgressReporter(PrintStream out, Mode mode, int pageLimit, boolean rendering) {
        this.out = out;
        this.mode = mode;
        this.pageLimit = pageLimit;
        this.rendering = rendering;
    }

    /** Live on a terminal, plain otherwise. {@code System.console()} is null when stdio is redirected. */
    public static Mode detectMode() {
        String term = System.getenv("TERM");
        return System.console() != null && term != null && !term.equals("dumb") ? Mode.LIVE : Mode.PLAIN;
    }

    public void start(CrawlCoordinator coordinator) {
        this.coordinator = coordinator;
        startNanos = System.nanoTime();
        if (mode == Mode.QUIET) return;
        thread = new Thread(this::loop, "progress");
        thread.setDaemon(true);
        thread.start();
    }

    /** A line from the run itself (stopping, waiting for tasks), kept clear of the live line. */
    public synchronized void note(String line) {
        if (mode == Mode.QUIET) return;
        clearLiveLine();
        out.println("rendler: " + line);
        out.flush();
    }

    private void loop() {
        long lastTotals = System.nanoTime();
        while (running) {
            try {
                coordinator.awaitChange(Duration.ofMillis(TICK_MILLIS));
                Thread.sleep(mode == Mode.LIVE ? TICK_MILLIS : 20);
            } catch (InterruptedException e) {
                return;
            }
            flushEvents();
            if (mode == Mode.PLAIN && System.nanoTime() - lastTotals > PLAIN_TOTALS_EVERY_MILLIS * 1_000_000) {
                lastTotals = System.nanoTime();
                synchronized (this) {
                    out.println("rendler: " + totals(coordinator.progress()));
                }
            }
        }
    }

    private synchronized void flushEvents() {
        var events = coordinator.drainEvents();
        if (mode == Mode.LIVE) {
            boolean printed = false;
            for (PageEvent event : events) {
                if (event.type() == PageEvent.Type.CRAWLED || event.type() == PageEvent.Type.RENDERED) continue;
                if (!printed) clearLiveLine();
                printed = true;
                out.println(event);
            }
            String line = totals(coordinator.progress());
            out.print('\r' + line + " ".repeat(Math.max(0, lastLineLength - line.length())));
            lastLineLength = line.length();
        } else {
            for (PageEvent event : events) out.println(String.format(Locale.ROOT, "[%6.1fs] %s", seconds(), event));
        }
        out.flush();
    }

    private String totals(Progress p) {
        double elapsed = Math.max(seconds(), 0.001);
        int finished = finishedPages(p, rendering);
        if (finished > 0 && firstFinishedNanos == 0) firstFinishedNanos = System.nanoTime();
        double sinceFirst = firstFinishedNanos == 0 ? 0 : (System.nanoTime() - firstFinishedNanos) / 1e9;
        return String.format(Locale.ROOT,
                "%d pages: %d crawled, %d rendered, %d failed | running %d crawl + %d render | queued %d + %d | %.1f pages/s | %.0fs%s",
                p.admitted(), p.crawled(), p.rendered(), p.failed(), p.runningCrawls(), p.runningRenders(),
                p.pendingCrawls(), p.pendingRenders(), p.crawled() / elapsed, elapsed,
                timeLeft(p, pageLimit, rendering, sinceFirst).map(left -> " | " + left).orElse(""));
    }

    /** Pages with nothing left to do: rendered or failed when rendering, else crawled. */
    static int finishedPages(Progress p, boolean rendering) {
        return rendering ? p.rendered() + p.failed() : p.crawled();
    }

    /**
     * An estimate of the time left, from the rate at which pages have finished since the first
     * one did (start-up excluded): "~40s left" once the total is known (the page limit reached, or
     * nothing left to discover), "up to ~40s left" while the crawl may still end below the limit.
     * Empty until five pages have finished, or when the rate says nothing.
     */
    static Optional<String> timeLeft(Progress p, int pageLimit, boolean rendering, double secondsSinceFirstFinished) {
        int finished = finishedPages(p, rendering);
        if (finished < 5 || secondsSinceFirstFinished < 1) return Optional.empty();
        boolean discovering = p.pendingCrawls() + p.runningCrawls() > 0 && p.admitted() < pageLimit;
        int total = discovering ? pageLimit : p.admitted();
        int left = total - finished;
        if (left <= 0) return Optional.empty();
        double seconds = left * secondsSinceFirstFinished / (finished - 1);
        String time = seconds < 90 ? String.format(Locale.ROOT, "%.0fs", Math.ceil(seconds))
                : String.format(Locale.ROOT, "%.0fm", Math.ceil(seconds / 60));
        return Optional.of((discovering ? "up to ~" : "~") + time + " left");
    }

    private double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void clearLiveLine() {
        if (mode == Mode.LIVE && lastLineLength > 0) {
            out.print('\r' + " ".repeat(lastLineLength) + '\r');
            lastLineLength = 0;
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (coordinator != null && mode != Mode.QUIET) {
            flushEvents();
            synchronized (this) {
                clearLiveLine();
            }
        }
    }
}
