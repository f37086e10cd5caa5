package io.rendler.render;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rendler.common.Boundary;
import io.rendler.common.PageLimits;
import io.rendler.common.RenderResult;
import io.rendler.common.ResultMessage;
import io.rendler.common.ScreenshotNames;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real Chromium rendering pages from a local test site, through one handler shared by the tests. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class RenderHandlerTest {

    /** Keeps the test browsers off the network; never for real crawls. */
    static final List<String> OFFLINE = List.of("--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost");

    @TempDir
    static Path screenshots;

    private TestSite site;
    private RenderHandler handler;
    private final AtomicInteger taskIds = new AtomicInteger();

    @BeforeAll
    void start() throws IOException {
        site = new TestSite();
        handler = new RenderHandler(RenderSettings.defaults(screenshots).withParallelism(2).withExtraChromiumArgs(OFFLINE));
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (handler != null) handler.close();
        if (site != null) site.close();
        assertEquals(List.of(), ChromiumProcesses.awaitNone(10), "Chromium processes left after close()");
    }

    @Test
    void screenshotOfAStyledPageIsTheViewportWithCssAndImageApplied() throws Exception {
        RenderResult result = render(site.url("/page.html"), PageLimits.defaults());

        assertSucceeded(result);
        Path file = screenshots.resolve(result.screenshot());
        BufferedImage image = ImageIO.read(file.toFile());
        assertAll(
                () -> assertEquals(1280, result.width()),
                () -> assertEquals(800, result.height()),
                () -> assertEquals(1280, image.getWidth()),
                () -> assertEquals(800, image.getHeight()),
                () -> assertEquals(Files.size(file), result.bytes()),
                () -> assertColour(TestSite.CSS_RED, image, 200, 150),
                () -> assertColour(TestSite.IMAGE_BLUE, image, 600, 100),
                () -> assertColour(Color.WHITE, image, 1000, 700));
    }

    @Test
    void textInAWebFontThatArrivesLateIsInTheScreenshot() throws Exception {
        assumeTrue(TestSite.systemFont() != null, "no TrueType font under /usr/share/fonts to serve");

        RenderResult result = render(site.url("/web-font.html"), PageLimits.defaults());

        assertSucceeded(result);
        BufferedImage image = screenshotOf(result);
        assertTrue(darkPixels(image, 0, 0, 700, 160) > 2_000, "the text is missing: the font came after the screenshot");
    }

    @Test
    void anAnimationThatEndedWhileThePageLoadedHasEndedInTheScreenshot() throws Exception {
        RenderResult result = render(site.url("/fade-in.html"), PageLimits.defaults());

        assertSucceeded(result);
        BufferedImage image = screenshotOf(result);
        assertColour(TestSite.IMAGE_BLUE, image, 900, 100);
        assertColour(TestSite.CSS_RED, image, 200, 150);
    }

    @Test
    void aLazyImageInTheViewportIsInTheScreenshot() throws Exception {
        RenderResult result = render(site.url("/lazy-image.html"), PageLimits.defaults());

        assertSucceeded(result);
        BufferedImage image = screenshotOf(result);
        assertColour(TestSite.IMAGE_BLUE, image, 900, 100);
        assertColour(TestSite.IMAGE_BLUE, image, 600, 100);
    }

    @Test
    void viewportFollowsTheLimitsOfEachTask() throws Exception {
        PageLimits small = new PageLimits(15_000, 1 << 20, 5, 800, 600, PageLimits.DEFAULT_USER_AGENT);

        RenderResult smallResult = render(site.url("/page.html"), small);
        RenderResult defaultResult = render(site.url("/page.html?again"), PageLimits.defaults());

        assertSucceeded(smallResult);
        BufferedImage image = screenshotOf(smallResult);
        assertEquals(List.of(800, 600), List.of(image.getWidth(), image.getHeight()));
        assertEquals(List.of(800, 600), List.of(smallResult.width(), smallResult.height()));
        assertColour(TestSite.IMAGE_BLUE, image, 600, 100);
        assertSucceeded(defaultResult);
        assertEquals(List.of(1280, 800), List.of(defaultResult.width(), defaultResult.height()));
    }

    @Test
    void anHttpErrorPageIsStillRendered() throws Exception {
        RenderResult result = render(site.url("/missing.html"), PageLimits.defaults());

        assertSucceeded(result);
        assertColour(TestSite.ERROR_GREEN, screenshotOf(result), 100, 100);
    }

    @Test
    void pagesRenderedFromFourThreadsAllSucceedOnTheBrowsersStartedAtTheBeginning() throws Exception {
        // Its own handler: a test before this one may have left a slot of the shared one to restart its browser.
        handler.close();
        // close() returns as the browsers are told to quit; counted too early, one may still be on its way out.
        assertEquals(List.of(), ChromiumProcesses.awaitNone(10), "the shared handler's browsers outlived close()");
        handler = new RenderHandler(RenderSettings.defaults(screenshots).withParallelism(2).withExtraChromiumArgs(OFFLINE));
        Set<Long> browsersBefore = pids(ChromiumProcesses.browsers());
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<RenderResult>> results = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String url = site.url("/pages/" + i + ".html");
                results.add(callers.submit(() -> render(url, PageLimits.defaults())));
            }
            Set<String> files = new HashSet<>();
            for (Future<RenderResult> result : results) {
                assertSucceeded(result.get());
                files.add(result.get().screenshot());
            }
            assertEquals(12, files.size());
        } finally {
            callers.shutdownNow();
        }
        assertEquals(handler.parallelism(), browsersBefore.size(), "one browser per slot: " + browsersBefore);
        assertEquals(browsersBefore, pids(ChromiumProcesses.browsers()), "browsers were reused, not restarted");
    }

    @Test
    void theScreenshotIsUploadedWhenTheTaskNamesAnUploadUrl() throws Exception {
        String name = ScreenshotNames.forUrl(site.url("/page.html"));
        Files.deleteIfExists(screenshots.resolve(name)); // another test may have rendered the same page here
        RenderResult result = handle(TaskRequest.render("render-up", site.url("/page.html"), PageLimits.defaults(),
                name, site.url("/upload/" + name), Boundary.unrestricted()));

        assertSucceeded(result);
        TestSite.Upload upload = site.upload("/upload/" + name);
        assertNotNull(upload, "nothing was uploaded");
        assertEquals("image/png", upload.contentType());
        PngInfo png = PngInfo.read(upload.body());
        assertEquals(PageLimits.defaults().viewportWidth(), png.width());
        assertFalse(Files.exists(screenshots.resolve(name)), "an uploaded screenshot is not also written locally");
    }

    @Test
    void aRefusedUploadIsARenderError() throws Exception {
        RenderResult result = handle(TaskRequest.render("render-up-broken", site.url("/page.html"), PageLimits.defaults(),
                "broken-upload.png", site.url("/upload-broken"), Boundary.unrestricted()));

        assertTrue(result.failed());
        assertTrue(result.error().contains("upload failed") && result.error().contains("500"), result.error());
    }

    @Test
    void aPageThatNeverAnswersTimesOutAndTheNextPageRenders() throws Exception {
        PageLimits quick = timingOutAfter(1_500);

        long started = System.nanoTime();
        RenderResult hung = render(site.url("/hang.html"), quick);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertTrue(hung.failed());
        assertEquals("render timed out after 1.5s", hung.error());
        assertNull(hung.screenshot());
        assertTrue(tookMillis < 10_000, "took " + tookMillis + " ms for a 1.5 s timeout");
        assertSucceeded(render(site.url("/page.html?after-hang"), PageLimits.defaults()));
    }

    @Test
    void aScriptThatNeverEndsTimesOutAndTheNextPageRenders() throws Exception {
        PageLimits quick = timingOutAfter(1_500);

        RenderResult busy = render(site.url("/busy.html"), quick);

        assertEquals("render timed out after 1.5s", busy.error());
        assertSucceeded(render(site.url("/page.html?after-busy"), PageLimits.defaults()));
    }

    @Test
    void aPageThatSpinsAfterLoadingIsCapturedOrTimesOutAndThePagesAfterItRender() throws Exception {
        PageLimits quick = timingOutAfter(3_000);

        long started = System.nanoTime();
        RenderResult spinning = render(site.url("/spins-after-load.html"), quick);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        // A frame drawn on request can beat the script to the main thread; then the loaded page is in it.
        if (spinning.failed()) {
            assertEquals("render timed out after 3s", spinning.error());
        } else {
            BufferedImage image = screenshotOf(spinning);
            assertTrue(darkPixels(image, 0, 0, 300, 60) > 50, "the page's text is not in its screenshot");
        }
        assertTrue(tookMillis < 10_000, "took " + tookMillis + " ms for a 3 s timeout");
        // Both slots, so also the one that rendered the spinning page.
        for (int i = 0; i < 2; i++) assertSucceeded(render(site.url("/page.html?after-spin-" + i), quick));
    }

    @Test
    void anUnreachableServerIsAnErrorWithChromiumsReason() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        RenderResult result = render("http://127.0.0.1:" + closedPort + "/", PageLimits.defaults());

        assertTrue(result.failed());
        assertTrue(result.error().contains("ERR_CONNECTION_REFUSED"), result.error());
        assertFalse(result.error().contains("\n"), "one line: " + result.error());
    }

    @Test
    void onlyHttpAndHttpsUrlsReachTheBrowser() throws Exception {
        for (String url : List.of("file:///etc/passwd", "chrome://crash", "javascript:alert(1)")) {
            RenderResult result = render(url, PageLimits.defaults());
            assertEquals("not an http(s) URL: " + url, result.error());
        }
    }

    @Test
    void aScreenshotNameMustBeAPlainFileName() throws Exception {
        RenderResult result = handle(TaskRequest.render("render-x", site.url("/page.html"), PageLimits.defaults(), "../escape.png", null, Boundary.unrestricted()));

        assertEquals("not a plain file name: ../escape.png", result.error());
        assertFalse(Files.exists(screenshots.resolveSibling("escape.png")));
    }

    @Test
    void aCrawlTaskIsAWiringMistake() {
        TaskRequest crawl = TaskRequest.crawl("crawl-1", site.url("/page.html"), PageLimits.defaults(), Boundary.unrestricted());

        assertThrows(IllegalArgumentException.class, () -> handler.handle(crawl));
        assertEquals(TaskKind.RENDER, handler.kind());
    }

    private RenderResult render(String url, PageLimits limits) throws Exception {
        return handle(TaskRequest.render("render-" + taskIds.incrementAndGet(), url, limits, ScreenshotNames.forUrl(url), null, Boundary.unrestricted()));
    }

    private RenderResult handle(TaskRequest request) throws Exception {
        ResultMessage message = handler.handle(request);
        assertEquals(TaskKind.RENDER, message.kind());
        assertEquals(request.taskId(), message.taskId());
        return message.render();
    }

    static void assertSucceeded(RenderResult result) {
        assertNull(result.error(), () -> "render of " + result.url() + " failed");
        assertFalse(result.failed());
        assertTrue(result.bytes() > 0);
    }

    /** Within a small tolerance, because PNG output is exact but colour handling may round. */
    static void assertColour(Color expected, BufferedImage image, int x, int y) {
        Color actual = new Color(image.getRGB(x, y));
        int distance = Math.abs(expected.getRed() - actual.getRed()) + Math.abs(expected.getGreen() - actual.getGreen())
                + Math.abs(expected.getBlue() - actual.getBlue());
        assertTrue(distance <= 12, "pixel (" + x + "," + y + ") is " + actual + ", expected about " + expected);
    }

    private static BufferedImage screenshotOf(RenderResult result) throws IOException {
        return ImageIO.read(screenshots.resolve(result.screenshot()).toFile());
    }

    static int darkPixels(BufferedImage image, int left, int top, int right, int bottom) {
        int dark = 0;
        for (int y = top; y < bottom; y++) {
            for (int x = left; x < right; x++) {
                Color c = new Color(image.getRGB(x, y));
                if (c.getRed() + c.getGreen() + c.getBlue() < 200) dark++;
            }
        }
        return dark;
    }

    private static Set<Long> pids(List<ProcessHandle> processes) {
        Set<Long> pids = new HashSet<>();
        processes.forEach(p -> pids.add(p.pid()));
        return pids;
    }

    /** A 1280x800 viewport, giving up on a page after {@code millis}. */
    private static PageLimits timingOutAfter(long millis) {
        return new PageLimits(millis, 1 << 20, 5, 1280, 800, PageLimits.DEFAULT_USER_AGENT);
    }
}
