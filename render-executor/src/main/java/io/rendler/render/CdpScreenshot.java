package io.rendler.render;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Takes the viewport PNG with the DevTools command {@code Page.captureScreenshot} on a CDP session
 * of the page, asking for {@code fromSurface: false} and {@code optimizeForSpeed: true}. Playwright's
 * own {@code page.screenshot} captures from the surface and compresses harder. On the benchmark's
 * 300 pages this path cut Chromium's CPU per page by about a fifth and raised pages/s by about a
 * quarter (bench/README.md). The pixels are the same; the PNG files are about a third larger.
 *
 * <p>A CDP command has no timeout, and a page whose script spins after the load event never
 * answers it. So a watchdog kills the page's Playwright driver and its browser when the page's time
 * is up. Killing only the browser is not enough: the driver then never fails the pending command.
 * The send fails once the driver is gone, the capture throws {@link Hung}, and the slot starts a new
 * driver and browser for the next page.
 */
final class CdpScreenshot {

    /** The watchdog killed the driver and browser because the screenshot did not come back in time. */
    static final class Hung extends RuntimeException {
        Hung() {
            super("screenshot did not come back in time; driver and browser killed");
        }
    }

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "render-screenshot-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final ProcessHandle driverProcess;
    private CDPSession session;
    private Page sessionPage;

    private CdpScreenshot(ProcessHandle driverProcess) {
        this.driverProcess = driverProcess;
    }

    /**
     * For a browser that Playwright launched from this JVM (browser → driver → this JVM). Empty when
     * the browser's process cannot be found that way, for example a browser Playwright connected to:
     * without a process to kill there is no safe way to bound the command.
     */
    static Optional<CdpScreenshot> forLaunchedBrowser(Browser browser) {
        long pid = -1;
        try {
            CDPSession browserSession = browser.newBrowserCDPSession();
            JsonObject info = browserSession.send("SystemInfo.getProcessInfo");
            browserSession.detach();
            for (JsonElement process : info.getAsJsonArray("processInfo")) {
                JsonObject fields = process.getAsJsonObject();
                if ("browser".equals(fields.get("type").getAsString())) pid = fields.get("id").getAsLong();
            }
        } catch (PlaywrightException | IllegalStateException | NullPointerException e) {
            return Optional.empty(); // a browser without the SystemInfo domain, or an unexpected answer
        }
        return ProcessHandle.of(pid)
                .flatMap(ProcessHandle::parent)
                .filter(driver -> driver.parent().map(ProcessHandle::pid).orElse(-1L) == ProcessHandle.current().pid())
                .map(CdpScreenshot::new);
    }

    /** A PNG of {@code page}'s viewport, or {@link Hung} after {@code timeoutMillis}. */
    byte[] capture(Page page, long timeoutMillis) {
        if (page != sessionPage) {
            session = page.context().newCDPSession(page);
            sessionPage = page;
        }
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledFuture<?> guard = WATCHDOG.schedule(() -> {
            fired.set(true);
            killDriverAndBrowser();
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        try {
            JsonObject params = new JsonObject();
            params.addProperty("format", "png");
            params.addProperty("fromSurface", false);
            params.addProperty("optimizeForSpeed", true);
            JsonObject result = session.send("Page.captureScreenshot", params);
            return Base64.getDecoder().decode(result.get("data").getAsString());
        } catch (PlaywrightException e) {
            if (fired.get()) throw new Hung();
            throw e;
        } finally {
            // If the watchdog fired just after the answer came, the PNG is still good; the slot finds
            // the driver gone on the next page and starts another.
            guard.cancel(false);
        }
    }

    private void killDriverAndBrowser() {
        // Browser, renderers and helpers first: once the driver is gone they would be orphans.
        List<ProcessHandle> descendants = driverProcess.descendants().toList();
        descendants.forEach(ProcessHandle::destroyForcibly);
        driverProcess.destroyForcibly();
    }
}
