package io.rendler.render;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Puts every call a render slot makes into Playwright or DevTools under a deadline: while a call is
 * in flight it kills the slot's {@link BrowserProcess} when the deadline passes, when Chromium dies,
 * when the page's renderer crashed, or when the browser's memory grows past its cap. The call then
 * fails, because the driver's pipe closes, and the slot starts over.
 *
 * <p>Why it is needed: a DevTools command ({@link BeginFrameCapture}, {@link CdpScreenshot}) has no
 * timeout, and a renderer that crashed never answers one. Playwright's driver also does not always
 * notice that its browser died: a navigation, or even a {@code newPage} or {@code newContext}, then
 * waits forever. All of these were seen here (RenderRecoveryTest, BrowserKillTest).
 */
final class SlotWatchdog {

    /** Why the watchdog killed the browser. */
    enum Reason { TIMED_OUT, BROWSER_DIED, PAGE_CRASHED, OUT_OF_MEMORY }

    static final class Fired extends RuntimeException {
        private final Reason reason;

        Fired(Reason reason) {
            super(switch (reason) {
                case TIMED_OUT -> "ran past its deadline";
                case BROWSER_DIED -> "browser exited";
                case PAGE_CRASHED -> "renderer crashed";
                case OUT_OF_MEMORY -> "browser used more memory than its cap";
            });
            this.reason = reason;
        }

        Reason reason() {
            return reason;
        }
    }

    private static final long CHECK_EVERY_MILLIS = 200;

    private static final Object FINISHED = new Object();

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "render-slot-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final BrowserProcess browser;
    private final long memoryCapBytes;

    SlotWatchdog(BrowserProcess browser, long memoryCapBytes) {
        this.browser = browser;
        this.memoryCapBytes = memoryCapBytes;
    }

    /**
     * Runs {@code action}, which calls into the browser; throws {@link Fired} if the watchdog had to
     * kill the browser meanwhile. {@code pageCrashed} is read from the watchdog's thread: a crash
     * listener sets it while the action waits on the driver.
     */
    <T> T guard(long deadlineNanos, BooleanSupplier pageCrashed, Supplier<T> action) {
        return watch(() -> System.nanoTime() - deadlineNanos > 0 ? Reason.TIMED_OUT
                : !browser.isAlive() ? Reason.BROWSER_DIED
                : pageCrashed.getAsBoolean() ? Reason.PAGE_CRASHED
                : browser.memoryBytes() > memoryCapBytes ? Reason.OUT_OF_MEMORY : null, action);
    }

    /** Runs {@code action} under the deadline alone: for starting and closing, when the browser may come and go. */
    void bound(long deadlineNanos, Runnable action) {
        watch(() -> System.nanoTime() - deadlineNanos > 0 ? Reason.TIMED_OUT : null, () -> {
            action.run();
            return null;
        });
    }

    private <T> T watch(Supplier<Reason> check, Supplier<T> action) {
        // Null while the action runs; then either the Reason the watchdog fired for, or FINISHED. One
        // compare-and-set decides, so a check that runs late can no longer kill a browser the slot kept.
        AtomicReference<Object> outcome = new AtomicReference<>();
        ScheduledFuture<?> checks = TIMER.scheduleAtFixedRate(() -> {
            Reason reason = check.get();
            if (reason != null && outcome.compareAndSet(null, reason)) browser.kill();
        }, CHECK_EVERY_MILLIS, CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
        T result = null;
        RuntimeException failure = null;
        try {
            result = action.get();
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            checks.cancel(false);
        }
        // Even an answer that beat the kill is dropped: the browser is going, and the slot must know.
        if (outcome.compareAndExchange(null, FINISHED) instanceof Reason reason) throw new Fired(reason);
        if (failure != null) throw failure;
        return result;
    }
}
