package io.rendler.render;

import com.google.gson.JsonObject;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.options.ScreenshotType;
import com.microsoft.playwright.options.WaitUntilState;
import java.lang.System.Logger.Level;
import java.util.Base64;
import java.util.List;

/**
 * Loads a page with Playwright's navigation and takes the viewport PNG on a Chromium that draws its
 * own frames (any but a headless shell, which gets {@link BeginFrameCapture}) with the DevTools
 * command {@code Page.captureScreenshot}, asking for {@code fromSurface: false} and
 * {@code optimizeForSpeed: true}. Playwright's own {@code page.screenshot} captures from the surface
 * and compresses harder. On the benchmark's 300 pages this raised pages/s by about a quarter and cut
 * CPU per page by about a fifth (bench/README.md), nearly all of it from the faster compression.
 * The pixels are the same; the PNG files are about 1.5 times the size. Should the DevTools command
 * fail on a page that is still alive, Playwright's screenshot is the fallback.
 */
final class CdpScreenshot implements PageCapture {

    private static final System.Logger LOG = System.getLogger(CdpScreenshot.class.getName());

    @Override
    public List<String> chromiumArgs() {
        return List.of();
    }

    @Override
    public byte[] loadAndCapture(Page page, String url, long deadlineNanos, boolean giveUpWhenStalled) {
        // An HTTP error status still loads a page, and that page gets its screenshot.
        page.navigate(url, new Page.NavigateOptions().setWaitUntil(WaitUntilState.LOAD).setTimeout(PageCapture.millisLeft(deadlineNanos)));
        PageCapture.millisLeft(deadlineNanos); // a TimeoutError if the load used up the time; else the watchdog bounds it
        try {
            return capture(page);
        } catch (PlaywrightException e) {
            if (page.isClosed()) throw e;
            LOG.log(Level.DEBUG, "CDP screenshot failed, using Playwright''s: {0}", RenderSlot.oneLine(e));
        }
        return page.screenshot(new Page.ScreenshotOptions().setType(ScreenshotType.PNG).setTimeout(PageCapture.millisLeft(deadlineNanos)));
    }

    private static byte[] capture(Page page) {
        JsonObject params = new JsonObject();
        params.addProperty("format", "png");
        params.addProperty("fromSurface", false);
        params.addProperty("optimizeForSpeed", true);
        // A session per screenshot, detached at once, so none piles up on a reused page.
        CDPSession session = page.context().newCDPSession(page);
        try {
            JsonObject result = session.send("Page.captureScreenshot", params);
            return Base64.getDecoder().decode(result.get("data").getAsString());
        } finally {
            BeginFrameCapture.detachQuietly(session);
        }
    }
}
