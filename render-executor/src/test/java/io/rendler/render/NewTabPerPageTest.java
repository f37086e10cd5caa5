package io.rendler.render;

import static io.rendler.render.CaptureModesTest.pixels;
import static io.rendler.render.RenderHandlerTest.OFFLINE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rendler.common.Boundary;
import io.rendler.common.PageLimits;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One slot that opens a new tab for every page, where it normally does so every
 * {@value RenderSlot#RENDERS_PER_PAGE} pages. On Chromium 156's headless shell about one new tab in
 * 25 never draws a frame with a screenshot (BeginFrameCapture.FramesStalled); over this many tabs
 * some are sure to, and each of those pages must still come back, drawn, well within its time.
 */
@Timeout(180)
class NewTabPerPageTest {

    private static final int PAGES = 150;

    /** A stalled tab left alone would use all of it; a new tab takes about a second more than usual. */
    private static final PageLimits LIMITS = new PageLimits(10_000, 1 << 20, 5, 1280, 800, PageLimits.DEFAULT_USER_AGENT);

    @Test
    void everyPageInANewTabIsCapturedWithTheSamePixels() throws Exception {
        try (TestSite site = new TestSite();
                RenderSlot slot = new RenderSlot(0, BrowserLocator.forThisMachine().locate(Optional.empty()),
                        RenderSettings.defaults(Path.of("unused")).withExtraChromiumArgs(OFFLINE), 1)) {
            int[] first = pixels(slot.capture(site.url("/page.html?tab=0"), LIMITS, Boundary.unrestricted()).png());
            assertEquals(1280 * 800, first.length);

            for (int tab = 1; tab < PAGES; tab++) {
                int[] again = pixels(slot.capture(site.url("/page.html?tab=" + tab), LIMITS, Boundary.unrestricted()).png());
                assertArrayEquals(first, again, "tab " + tab + " drew something else");
            }
        }
    }
}
