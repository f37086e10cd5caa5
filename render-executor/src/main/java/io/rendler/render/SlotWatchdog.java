package io.rendler.render;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.PlaywrightException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Watches one render slot's Playwright driver and browser while a page is in flight, and kills the
 * driver (and the browser under it) when the page runs past its deadline, the browser dies or the
 * page's renderer crashed. The call in flight then fails, because the driver's pipe closes, and the
 * slot starts over.
 *
 * <p>Why it is needed: a DevTools command ({@link BeginFrameCapture}, {@link CdpScreenshot}) has no
 * timeout, and a renderer that crashed never answers one. Once a page has had a DevTools session,
 * Playwright's driver also does not always notice that its browser died, so a pending navigation
 * can wait forever. All of these were seen here (RenderHandlerTest, RenderRecoveryTest).
 */
final class SlotWatchdog {

    /** Why the watchdog ended the driver. */
    enum Reason { TIMED_OUT, BROWSER_DIED, PAGE_CRASHED }

    static final class Fired extends RuntimeException {
        private final Reason reason;

        Fired(Reason reason) {
            super(switch (reason) {
                case TIMED_OUT -> "page ran past its deadline";
                case BROWSER_DIED -> "browser exited";
                case PAGE_CRASHED -> "renderer crashed";
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

    private final ProcessHandle driver;
    private final ProcessHandle browser;

    private SlotWatchdog(ProcessHandle driver, ProcessHandle browser) {
        this.driver = driver;
        this.browser = browser;
    }

    /**
     * For a browser that Playwright launched from this JVM (browser, under the driver, under this
     * JVM). Empty when its process cannot be found that way: then nothing could be killed safely.
     */
    static Optional<SlotWatchdog> forLaunchedBrowser(Browser launched) {
        long pid = -1;
        try {
            CDPSession session = launched.newBrowserCDPSession();
            JsonObject info = session.send("SystemInfo.getProcessInfo");
            session.detach();
            for (JsonElement process : info.getAsJsonArray("processInfo")) {
                JsonObject fields = process.getAsJsonObject();
                if ("browser".equals(fields.get("type").getAsString())) pid = fields.get("id").getAsLong();
            }
        } catch (PlaywrightException | IllegalStateException | NullPointerException e) {
            return Optional.empty(); // a browser without the SystemInfo domain, or an unexpected answer
        }
        Optional<ProcessHandle> browser = ProcessHandle.of(pid);
        return browser.flatMap(ProcessHandle::parent)
                .filter(driver -> driver.parent().map(ProcessHandle::pid).orElse(-1L) == ProcessHandle.current().pid())
                .map(driver -> new SlotWatchdog(driver, browser.get()));
    }

    /**
     * Runs {@code action}; throws {@link Fired} if the watchdog had to end the driver meanwhile.
     * {@code pageCrashed} is read from the watchdog's thread: the slot's crash listener sets it while
     * the action waits on the driver.
     */
    <T> T guard(long deadlineNanos, BooleanSupplier pageCrashed, Supplier<T> action) {
        // Null while the action runs; then either the Reason the watchdog fired for, or FINISHED. One
        // compare-and-set decides, so a check that runs late can no longer end a driver the slot kept.
        AtomicReference<Object> outcome = new AtomicReference<>();
        ScheduledFuture<?> checks = TIMER.scheduleAtFixedRate(() -> {
            Reason reason = System.nanoTime() - deadlineNanos > 0 ? Reason.TIMED_OUT
                    : !browser.isAlive() ? Reason.BROWSER_DIED
                    : pageCrashed.getAsBoolean() ? Reason.PAGE_CRASHED : null;
            if (reason != null && outcome.compareAndSet(null, reason)) killDriverAndBrowser();
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
        // Even an answer that beat the kill is dropped: the driver is going, and the slot must know.
        if (outcome.compareAndExchange(null, FINISHED) instanceof Reason reason) throw new Fired(reason);
        if (failure != null) throw failure;
        return result;
    }

    private void killDriverAndBrowser() {
        // Browser, renderers and helpers first: once the driver is gone they would be orphans.
        List<ProcessHandle> descendants = driver.descendants().toList();
        descendants.forEach(ProcessHandle::destroyForcibly);
        driver.destroyForcibly();
    }
}
