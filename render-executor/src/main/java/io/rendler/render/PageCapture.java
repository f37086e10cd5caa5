package io.rendler.render;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.TimeoutError;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How a slot's browser loads a page and takes the PNG of its viewport: {@link BeginFrameCapture} on a
 * headless shell, {@link CdpScreenshot} on any other Chromium. Both use DevTools commands, which have
 * no timeout of their own, so both run only under a {@link SlotWatchdog}.
 */
interface PageCapture {

    /** The capture for {@code executable}: frames on request where it can draw them and {@code beginFrames} asks for it. */
    static PageCapture forBrowser(Path executable, boolean beginFrames) {
        return beginFrames && BeginFrameCapture.supportedBy(executable) ? new BeginFrameCapture() : new CdpScreenshot();
    }

    /** Switches the browser must be started with. */
    List<String> chromiumArgs();

    /**
     * Navigates to {@code url}, waits for the load event and returns the PNG, all before
     * {@code deadlineNanos}. With {@code giveUpWhenStalled}, may throw {@link BeginFrameCapture.FramesStalled}
     * rather than wait out the deadline for a tab that draws nothing.
     */
    byte[] loadAndCapture(Page page, String url, long deadlineNanos, boolean giveUpWhenStalled);

    /** The time left until {@code deadlineNanos}, at least 1 ms; a {@link TimeoutError} once there is none. */
    static long millisLeft(long deadlineNanos) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (left <= 0) throw new TimeoutError("no time left for the page");
        return left;
    }
}
