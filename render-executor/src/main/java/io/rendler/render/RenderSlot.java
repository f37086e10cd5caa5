package io.rendler.render;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.TimeoutError;
import com.microsoft.playwright.options.ScreenshotType;
import com.microsoft.playwright.options.ServiceWorkerPolicy;
import com.microsoft.playwright.options.ViewportSize;
import com.microsoft.playwright.options.WaitUntilState;
import io.rendler.common.Boundary;
import io.rendler.common.PageLimits;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One page in flight: its own Playwright driver, its own Chromium, one browser context and one page
 * that is reused from task to task. Only one thread uses a slot at a time (the handler lends slots
 * out from a queue), which is what Playwright's threading rules ask for.
 *
 * <p>Why a browser per slot rather than one browser shared by Playwright instances over CDP: a
 * {@code connectOverCDP} connection auto-attaches to every page in the browser and adopts the other
 * connections' pages into its default context, so each slot also instruments every other slot's
 * pages. Measured with two slots on a shared 2-core machine, one shared browser used about a third
 * more CPU per page than a browser per slot and was never faster than a single slot; a browser per
 * slot was 1.2 to 1.5 times as fast as one slot. A second browser costs about 150 MB more memory.
 *
 * <p>After a failure the slot repairs itself before the next task: a timeout or a crashed renderer
 * replaces the context and page (a hung renderer must not poison the next page), and a browser or
 * driver that went away is started again. A {@link SlotWatchdog} ends a driver that no longer answers
 * (a hung DevTools command, a browser death it missed), and the slot starts a new one.
 */
final class RenderSlot implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RenderSlot.class.getName());

    /**
     * Added to the switches Playwright already passes (--headless, --no-sandbox, --no-first-run,
     * --disable-background-networking, --disable-component-update, --disable-sync,
     * --disable-dev-shm-usage, --hide-scrollbars, --mute-audio, --force-color-profile=srgb, ...).
     */
    static final List<String> CHROMIUM_ARGS = List.of("--disable-gpu", "--disable-quic",
            // The NavigationFence watches a page's own requests, so everything stays in the page: no
            // window.open or target=_blank (the headless shell's switch; other Chromium's popup
            // blocker, which Playwright's --disable-popup-blocking would turn off), and frames of
            // other sites in the page's own renderer rather than in processes of their own.
            "--block-new-web-contents", "--disable-site-isolation-trials");

    /** Playwright's defaults that {@link #CHROMIUM_ARGS} must not be undone by. */
    private static final List<String> DROPPED_DEFAULT_ARGS = List.of("--disable-popup-blocking");

    private static final long LAUNCH_TIMEOUT_MILLIS = 60_000;

    /**
     * A renderer keeps some of what every page it showed left behind: over 150 pages of the
     * PostgreSQL manual one grew to 220-280 MB in some runs, against about 190 MB in most. A new page,
     * and with it a new renderer process, every this many renders kept each renderer under 190 MB at
     * the same speed (bench/README.md); it costs one new tab per 50 pages.
     */
    static final int RENDERS_PER_PAGE = 50;

    /** How many new tabs a page gets when its tab stalls; about one new tab in 25 does. */
    private static final int NEW_TABS_WHEN_STALLED = 3;

    /** How long past the page's own deadline the watchdog waits before it ends the driver. */
    private static final long WATCHDOG_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** RENDLER_CDP_SCREENSHOT=0 goes back to Playwright's page.screenshot, to compare the two. */
    static final String CDP_SCREENSHOT_ENV = "RENDLER_CDP_SCREENSHOT";

    private static final boolean CDP_SCREENSHOTS = !"0".equals(System.getenv(CDP_SCREENSHOT_ENV));

    /** How the slot's current browser loads a page and takes its screenshot. */
    private enum CaptureMode {
        /** {@link BeginFrameCapture}: a headless shell that draws frames only on request. */
        BEGIN_FRAMES,
        /** {@link CdpScreenshot} after Playwright's navigation. */
        CDP_SCREENSHOT,
        /** Playwright's navigation and page.screenshot: when no {@link SlotWatchdog} can guard the others. */
        PLAYWRIGHT
    }

    private final int id;
    private final Path executable;
    private final List<String> chromiumArgs;
    private final int rendersPerPage;
    private final NavigationFence fence = new NavigationFence();
    private Boundary boundary = Boundary.unrestricted();

    private Playwright playwright;
    private Browser browser;
    private BrowserContext context;
    private String contextUserAgent;
    private Page page;
    private volatile boolean pageCrashed; // also read by the watchdog's thread
    private int rendersOnPage;
    private SlotWatchdog watchdog; // null: CaptureMode.PLAYWRIGHT
    private CaptureMode captureMode = CaptureMode.PLAYWRIGHT;
    /** Cleared for good when this browser turns out not to draw frames on request. */
    private boolean tryBeginFrames;

    RenderSlot(int id, Path executable, List<String> extraChromiumArgs, boolean beginFrames) {
        this(id, executable, extraChromiumArgs, beginFrames, RENDERS_PER_PAGE);
    }

    /** With a new tab every {@code rendersPerPage} pages; tests open one for every page. */
    RenderSlot(int id, Path executable, List<String> extraChromiumArgs, boolean beginFrames, int rendersPerPage) {
        this.id = id;
        this.executable = executable;
        this.rendersPerPage = rendersPerPage;
        List<String> args = new ArrayList<>(CHROMIUM_ARGS);
        args.addAll(extraChromiumArgs);
        this.chromiumArgs = List.copyOf(args);
        this.tryBeginFrames = beginFrames && CDP_SCREENSHOTS && BeginFrameCapture.supportedBy(executable);
    }

    static Playwright.CreateOptions playwrightOptions() {
        // PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD only stops the driver from trying to download browsers;
        // PLAYWRIGHT_DRIVER_DIR and -Dplaywright.cli.dir still pick a pre-unpacked driver.
        // The driver is a Node process that relays every screenshot as base64; with Node's default
        // 16 MB young-generation semi-spaces it grows to about 130-160 MB PSS, with 1 MB ones to
        // about 95 MB, at the same CPU (bench/, 300 pages). A NODE_OPTIONS of the user's comes after
        // ours, so it wins.
        String userNodeOptions = System.getenv().getOrDefault("NODE_OPTIONS", "");
        return new Playwright.CreateOptions().setEnv(Map.of(
                "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1",
                "NODE_OPTIONS", ("--max-semi-space-size=1 " + userNodeOptions).strip()));
    }

    /** Starts the driver and the browser now rather than on the first task. */
    void start() {
        if (browser == null || !browser.isConnected()) startBrowser();
    }

    /** A page's viewport PNG, and the URL the page showed when it was taken. */
    record Capture(byte[] png, String finalUrl) {}

    /**
     * Loads {@code url} at the viewport in {@code limits}, waits for the load event and returns a PNG
     * of the viewport. Navigation and screenshot together get {@code limits.timeoutMillis()}. The page
     * is held to {@code boundary} ({@link NavigationFence}): when it tries to navigate out of it, the
     * render fails with a reason naming the target.
     */
    Capture capture(String url, PageLimits limits, Boundary boundary) throws RenderFailedException {
        try {
            return captureOnce(url, limits, boundary);
        } catch (BeginFramesUnsupported e) {
            LOG.log(Level.WARNING, "render slot {0}: {1} does not draw frames on request ({2}); restarting it without",
                    id, executable, e.getMessage());
            tryBeginFrames = false;
            close();
            return captureOnce(url, limits, boundary);
        }
    }

    private Capture captureOnce(String url, PageLimits limits, Boundary boundary) throws RenderFailedException {
        Page current = readyPage(limits);
        this.boundary = boundary;
        long timeoutMillis = limits.timeoutMillis();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try {
            Capture capture = loadMovingOffStalledTabs(current, url, limits, deadline);
            closePopups();
            Optional<String> escape = fence.escape();
            if (escape.isPresent()) throw new RenderFailedException(escape.get());
            return capture;
        } catch (TimeoutError e) {
            discardContext();
            throw fence.escape().map(RenderFailedException::new).orElseGet(() -> timedOut(timeoutMillis));
        } catch (SlotWatchdog.Fired e) {
            close();
            throw switch (e.reason()) {
                case TIMED_OUT -> timedOut(timeoutMillis);
                case BROWSER_DIED -> new RenderFailedException("browser exited while rendering");
                case PAGE_CRASHED -> new RenderFailedException("renderer crashed while rendering");
            };
        } catch (PlaywrightException e) {
            if (captureMode == CaptureMode.BEGIN_FRAMES && BeginFrameCapture.isUnsupported(e)) throw new BeginFramesUnsupported(e);
            String reason = repairAfter(e);
            throw new RenderFailedException(fence.escape().orElse(reason));
        }
    }

    private static final class BeginFramesUnsupported extends RuntimeException {
        BeginFramesUnsupported(PlaywrightException cause) {
            super(oneLine(cause), cause);
        }
    }

    private static RenderFailedException timedOut(long timeoutMillis) {
        return new RenderFailedException("render timed out after " + seconds(timeoutMillis));
    }

    /**
     * A tab that stalls ({@link BeginFrameCapture.FramesStalled}) is given up for a new one, a few
     * times; after that the page waits out its deadline, as a page whose script never lets a frame
     * be drawn must.
     */
    private Capture loadMovingOffStalledTabs(Page first, String url, PageLimits limits, long deadlineNanos) {
        Page tab = first;
        for (int newTabs = 0; ; newTabs++) {
            try {
                byte[] png = guardedLoad(tab, url, deadlineNanos, newTabs < NEW_TABS_WHEN_STALLED);
                return new Capture(png, tab.url());
            } catch (BeginFrameCapture.FramesStalled e) {
                LOG.log(Level.INFO, "render slot {0}: {1} for {2}; loading it again in a new tab", id, e.getMessage(), url);
                tab = preparePage(limits, true);
            }
        }
    }

    private byte[] guardedLoad(Page current, String url, long deadlineNanos, boolean giveUpWhenStalled) {
        fence.arm(current, url, boundary);
        Supplier<byte[]> load = () -> load(current, url, deadlineNanos, giveUpWhenStalled);
        return watchdog == null ? load.get() : watchdog.guard(deadlineNanos + WATCHDOG_GRACE_NANOS, () -> pageCrashed, load);
    }

    /** Loads {@code url} up to its load event and returns the screenshot, both within the deadline. */
    private byte[] load(Page current, String url, long deadlineNanos, boolean giveUpWhenStalled) {
        if (captureMode == CaptureMode.BEGIN_FRAMES) {
            return BeginFrameCapture.loadAndCapture(current, url, deadlineNanos, giveUpWhenStalled);
        }
        // An HTTP error status still loads a page, and that page gets its screenshot.
        current.navigate(url, new Page.NavigateOptions().setWaitUntil(WaitUntilState.LOAD).setTimeout(millisLeft(deadlineNanos)));
        return screenshot(current, deadlineNanos);
    }

    /** The viewport as a PNG: through CDP under the watchdog, else through Playwright's screenshot. */
    private byte[] screenshot(Page current, long deadlineNanos) {
        if (captureMode == CaptureMode.CDP_SCREENSHOT) {
            millisLeft(deadlineNanos); // a TimeoutError if the load used up the time; else the watchdog bounds it
            try {
                return CdpScreenshot.capture(current);
            } catch (PlaywrightException e) {
                if (pageCrashed || !browser.isConnected()) throw e;
                LOG.log(Level.DEBUG, "render slot {0}: CDP screenshot failed, using Playwright''s: {1}", id, oneLine(e));
            }
        }
        return current.screenshot(new Page.ScreenshotOptions().setType(ScreenshotType.PNG).setTimeout(millisLeft(deadlineNanos)));
    }

    /** The page's time left, at least 1 ms; a {@link TimeoutError} once there is none (the slot reports it). */
    static long millisLeft(long deadlineNanos) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (left <= 0) throw new TimeoutError("no time left for the page");
        return left;
    }

    /** The slot's page, set up for {@code limits}; a slot that cannot even get that far starts over once. */
    private Page readyPage(PageLimits limits) {
        try {
            return preparePage(limits, false);
        } catch (PlaywrightException e) {
            LOG.log(Level.WARNING, "render slot {0}: starting over after {1}", id, oneLine(e));
            close();
            return preparePage(limits, false);
        }
    }

    private Page preparePage(PageLimits limits, boolean newTab) {
        if (browser == null || !browser.isConnected()) startBrowser();
        if (context == null || !limits.userAgent().equals(contextUserAgent)) newContext(limits);
        if (newTab || page == null || page.isClosed() || pageCrashed || rendersOnPage >= rendersPerPage) newPage();
        rendersOnPage++;
        ViewportSize viewport = page.viewportSize();
        if (viewport == null || viewport.width != limits.viewportWidth() || viewport.height != limits.viewportHeight()) {
            page.setViewportSize(limits.viewportWidth(), limits.viewportHeight());
        }
        return page;
    }

    /** Keeps a working driver: it also cleans up after a browser that died (its temporary profile). */
    private void startBrowser() {
        closeBrowser();
        long started = System.nanoTime();
        if (playwright == null) playwright = Playwright.create(playwrightOptions());
        boolean beginFrames = tryBeginFrames;
        browser = launch(beginFrames);
        watchdog = CDP_SCREENSHOTS ? SlotWatchdog.forLaunchedBrowser(browser).orElse(null) : null;
        if (beginFrames && watchdog == null) {
            // Frames on request need a watchdog; without one, a browser that draws on its own clock.
            closeQuietly(browser::close);
            browser = launch(false);
            beginFrames = false;
        }
        captureMode = watchdog == null ? CaptureMode.PLAYWRIGHT : beginFrames ? CaptureMode.BEGIN_FRAMES : CaptureMode.CDP_SCREENSHOT;
        LOG.log(Level.INFO, "render slot {0}: started Chromium {1} in {2} ms, capturing with {3}",
                id, browser.version(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), captureMode);
    }

    private Browser launch(boolean beginFrames) {
        List<String> args = new ArrayList<>(chromiumArgs);
        if (beginFrames) args.addAll(BeginFrameCapture.CHROMIUM_ARGS);
        return playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(executable)
                .setHeadless(true)
                .setArgs(args)
                .setIgnoreDefaultArgs(DROPPED_DEFAULT_ARGS)
                .setTimeout(LAUNCH_TIMEOUT_MILLIS));
    }

    private void newContext(PageLimits limits) {
        discardContext();
        context = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(limits.viewportWidth(), limits.viewportHeight())
                .setDeviceScaleFactor(1)
                .setUserAgent(limits.userAgent())
                .setAcceptDownloads(false)
                // A service worker's requests would not pass the page's NavigationFence.
                .setServiceWorkers(ServiceWorkerPolicy.BLOCK));
        contextUserAgent = limits.userAgent();
    }

    private void newPage() {
        if (page != null && !page.isClosed()) closeQuietly(page::close);
        pageCrashed = false;
        rendersOnPage = 0;
        Page fresh = context.newPage();
        fresh.onCrash(crashed -> {
            if (crashed == page) pageCrashed = true;
        });
        NavigationFence.watch(fresh, fence); // lives as long as the page
        page = fresh;
    }

    /** Pages the site opened with window.open would pile up in the reused context. */
    private void closePopups() {
        for (Page other : context.pages()) {
            if (other != page) closeQuietly(other::close);
        }
    }

    /** Puts the slot right for the next task and returns the one-line reason for this one. */
    private String repairAfter(PlaywrightException e) {
        if (browser == null || !browser.isConnected() || !driverAnswers()) {
            closeBrowser();
            return "browser exited while rendering: " + oneLine(e);
        }
        if (pageCrashed || page == null || page.isClosed()) {
            discardContext();
            return "renderer crashed: " + oneLine(e);
        }
        return oneLine(e); // e.g. a DNS or connection error: the page itself is fine
    }

    /** A round trip through the driver to the browser, which also delivers any pending disconnect event. */
    private boolean driverAnswers() {
        if (context == null) return browser.isConnected();
        try {
            context.cookies();
            return browser.isConnected();
        } catch (PlaywrightException e) {
            return false;
        }
    }

    private void discardContext() {
        if (context != null) {
            BrowserContext old = context;
            context = null;
            page = null;
            try {
                old.close();
            } catch (PlaywrightException e) {
                // Could not even close the context: start from scratch next time.
                closeQuietly(this::close);
            }
        }
        contextUserAgent = null;
        page = null;
        pageCrashed = false;
    }

    /** Closes the page, browser and driver. Playwright kills the Chromium it launched. */
    @Override
    public void close() {
        closeBrowser();
        if (playwright != null) {
            Playwright old = playwright;
            playwright = null;
            closeQuietly(old::close);
        }
    }

    private void closeBrowser() {
        watchdog = null;
        captureMode = CaptureMode.PLAYWRIGHT;
        page = null;
        context = null;
        contextUserAgent = null;
        pageCrashed = false;
        if (browser != null) {
            Browser old = browser;
            browser = null;
            closeQuietly(old::close);
        }
    }

    private void closeQuietly(Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "render slot " + id + ": ignoring error while closing", e);
        }
    }

    /** Playwright messages run over several lines (call logs, stacks); a result carries the first. */
    static String oneLine(PlaywrightException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        for (String line : message.split("\\R")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("message='")) trimmed = trimmed.substring("message='".length());
            if (!trimmed.isEmpty() && !trimmed.equals("Error {")) return trimmed;
        }
        return e.getClass().getSimpleName();
    }

    static String seconds(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + "s";
    }
}
