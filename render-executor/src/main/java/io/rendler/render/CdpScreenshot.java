package io.rendler.render;

import com.google.gson.JsonObject;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import java.util.Base64;

/**
 * Takes the viewport PNG on a Chromium that draws its own frames (any but a headless shell, which
 * gets {@link BeginFrameCapture}) with the DevTools command {@code Page.captureScreenshot}, asking for
 * {@code fromSurface: false} and {@code optimizeForSpeed: true}. Playwright's own
 * {@code page.screenshot} captures from the surface and compresses harder. On the benchmark's 300
 * pages this raised pages/s by about a quarter and cut CPU per page by about a fifth
 * (bench/README.md), nearly all of it from the faster compression. The pixels are the same; the
 * PNG files are about 1.5 times the size.
 *
 * <p>A DevTools command has no timeout, and a page whose script spins after the load event never
 * answers it. So this is only used under a {@link SlotWatchdog}, which can end the driver.
 */
final class CdpScreenshot {

    private CdpScreenshot() {}

    static byte[] capture(Page page) {
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
