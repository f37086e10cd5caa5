package io.rendler.render;

import com.google.gson.JsonObject;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.TimeoutError;
import com.microsoft.playwright.options.LoadState;
import com.microsoft.playwright.options.WaitUntilState;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Loads a page and takes its viewport PNG on a chrome-headless-shell started with
 * {@link #CHROMIUM_ARGS}, where the browser draws a frame only when it is told to, with the DevTools
 * command {@code HeadlessExperimental.beginFrame}.
 *
 * <p>Why: {@code Page.captureScreenshot} asks the compositor for its next frames, which come on a
 * 60 Hz clock, so a screenshot of the PostgreSQL manual took about 70 ms of wall time for about 30 ms
 * of CPU even with a core free. A frame drawn on demand returns as soon as it is drawn, and the
 * screenshot comes from that same frame. On 100 pages in one tab: 57 ms per page instead of 85, a
 * sixth less CPU; in Rendler's benchmark about a fifth more pages per second; pixel-identical PNGs
 * (bench/README.md).
 *
 * <p>While the page loads this draws a frame every {@value #FRAME_INTERVAL_MILLIS} ms, as the
 * browser's own clock would. Without those frames, what a browser starts at its first frames would
 * only start at the screenshot's: a lazily loaded image in the viewport would not have been asked for,
 * and a fade-in that ended during the load would not have begun (RenderHandlerTest has both pages).
 *
 * <p>Only chrome-headless-shell has this command, and like every DevTools command it has no timeout:
 * it is used only under a {@link SlotWatchdog}, which also ends a command that a crashed renderer
 * will never answer.
 */
final class BeginFrameCapture implements PageCapture {

    /** Frames only on request; the request's frame runs every compositor stage before it is drawn. */
    static final List<String> CHROMIUM_ARGS = List.of("--enable-begin-frame-control", "--run-all-compositor-stages-before-draw");

    static final int FRAME_INTERVAL_MILLIS = 16;

    /**
     * How long frames may come back without a screenshot before {@link FramesStalled}. A page needs one
     * or two; a tab stuck that way stays stuck, through reloads and resizes, until it is closed.
     */
    static final long STALLED_AFTER_MILLIS = 1_000;

    /**
     * The page loaded, but its tab drew no frame with a screenshot for {@link #STALLED_AFTER_MILLIS}.
     * Chromium 156 does this now and then to a tab opened just after another was closed (about one new
     * tab in 25 when every page had a new one); the same page in another new tab is drawn at once.
     */
    static final class FramesStalled extends RuntimeException {
        FramesStalled(int frames) {
            super(frames + " frames in a row came back without a screenshot");
        }
    }

    @Override
    public List<String> chromiumArgs() {
        return CHROMIUM_ARGS;
    }

    /** Whether {@code executable} is a headless shell (Debian's, Chrome for Testing's, Playwright's). */
    static boolean supportedBy(Path executable) {
        Path name = executable.getFileName();
        if (name == null) return false;
        String file = name.toString().toLowerCase(Locale.ROOT);
        return file.contains("headless-shell") || file.contains("headless_shell");
    }

    /** Whether {@code e} says that the browser has no begin-frame control after all. */
    static boolean isUnsupported(PlaywrightException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("HeadlessExperimental.beginFrame")
                && (message.contains("wasn't found") || message.contains("only supported") || message.contains("not supported"));
    }

    /**
     * Navigates to {@code url}, draws frames until the load event (Playwright's "load" state) and
     * returns the PNG of one more frame. Throws {@link TimeoutError} once {@code deadlineNanos} has
     * passed between two steps; a step that hangs is the watchdog's. With {@code giveUpWhenStalled},
     * throws {@link FramesStalled} rather than wait out the deadline for a tab that draws nothing.
     */
    @Override
    public byte[] loadAndCapture(Page page, String url, long deadlineNanos, boolean giveUpWhenStalled) {
        CDPSession session = page.context().newCDPSession(page);
        try {
            // An HTTP error status still loads a page, and that page gets its screenshot.
            page.navigate(url, new Page.NavigateOptions().setWaitUntil(WaitUntilState.COMMIT).setTimeout(PageCapture.millisLeft(deadlineNanos)));
            drawFramesUntilLoaded(page, session, deadlineNanos);
            return screenshot(session, deadlineNanos, giveUpWhenStalled);
        } finally {
            detachQuietly(session);
        }
    }

    private static void drawFramesUntilLoaded(Page page, CDPSession session, long deadlineNanos) {
        while (true) {
            session.send("HeadlessExperimental.beginFrame", new JsonObject());
            long waitMillis = Math.min(FRAME_INTERVAL_MILLIS, PageCapture.millisLeft(deadlineNanos));
            try {
                page.waitForLoadState(LoadState.LOAD, new Page.WaitForLoadStateOptions().setTimeout(waitMillis));
                return;
            } catch (TimeoutError notYet) {
                PageCapture.millisLeft(deadlineNanos); // the page's own time is up: that timeout is the one to report
            }
        }
    }

    private static byte[] screenshot(CDPSession session, long deadlineNanos, boolean giveUpWhenStalled) {
        JsonObject png = new JsonObject();
        png.addProperty("format", "png");
        png.addProperty("optimizeForSpeed", true);
        JsonObject params = new JsonObject();
        params.add("screenshot", png);
        // A frame comes back without a screenshot while the renderer is still setting up (about a
        // third of the manual's pages needed a second frame) or while the page's script keeps its
        // main thread busy. The page gets until its deadline, as a screenshot on Chromium's own
        // frames would wait for it, unless the caller would rather try a new tab.
        long stalledAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STALLED_AFTER_MILLIS);
        for (int frames = 1; ; frames++) {
            PageCapture.millisLeft(deadlineNanos);
            JsonObject frame = session.send("HeadlessExperimental.beginFrame", params);
            if (frame.has("screenshotData")) return Base64.getDecoder().decode(frame.get("screenshotData").getAsString());
            if (giveUpWhenStalled && System.nanoTime() - stalledAt > 0) throw new FramesStalled(frames);
        }
    }

    static void detachQuietly(CDPSession session) {
        try {
            session.detach();
        } catch (PlaywrightException e) {
            // The page or browser went away; the error that matters is already on its way.
        }
    }
}
