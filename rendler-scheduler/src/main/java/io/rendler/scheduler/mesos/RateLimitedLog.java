package io.rendler.scheduler.mesos;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Passes at most {@code burst} lines per {@code window} on to a log and holds back the rest, so a
 * flood of bad messages cannot fill the terminal or the disk. The first line after a window with
 * held-back lines says how many there were. Each line is cut to one short line, because its text
 * may come from a stranger.
 */
final class RateLimitedLog implements Consumer<String> {

    private static final int MAX_LINE_CHARS = 300;

    private final Consumer<String> log;
    private final int burst;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private long windowStart;
    private int passed;
    private long heldBack;

    RateLimitedLog(Consumer<String> log, int burst, Duration window, LongSupplier nanoTime) {
        if (burst < 1) throw new IllegalArgumentException("burst must be at least 1");
        this.log = log;
        this.burst = burst;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
        this.windowStart = nanoTime.getAsLong();
    }

    @Override
    public synchronized void accept(String line) {
        long now = nanoTime.getAsLong();
        if (now - windowStart >= windowNanos) {
            windowStart = now;
            passed = 0;
        }
        if (passed >= burst) {
            heldBack++;
            return;
        }
        passed++;
        String text = oneLine(line);
        if (heldBack > 0) {
            text = text + " (and " + heldBack + " more like it not shown)";
            heldBack = 0;
        }
        log.accept(text);
    }

    private static String oneLine(String line) {
        String text = line.replaceAll("\\p{Cntrl}+", " ").strip();
        return text.length() <= MAX_LINE_CHARS ? text : text.substring(0, MAX_LINE_CHARS - 1) + "…";
    }
}
