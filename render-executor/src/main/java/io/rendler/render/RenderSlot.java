package io.rendler.render;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.TimeoutError;
import io.rendler.common.Boundary;
import io.rendler.common.PageLimits;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One page in flight: a {@link BrowserProcess} of its own (driver and Chromium), a {@link Tab} in it
 * that is reused from task to task, and the {@link PageCapture} that suits the browser. Only one thread
 * uses a slot at a time (the handler lends slots out from a queue), which is what Playwright's
 * threading rules ask for.
 *
 * <p>Why a browser per slot rather than one browser shared by Playwright instances over CDP: a
 * {@code connectOverCDP} connection auto-attaches to every page in the browser and adopts the other
 * connections' pages into its default context, so each slot also instruments every other slot's
 * pages. Measured with two slots on a shared 2-core machine, one shared browser used about a third
 * more CPU per page than a browser per slot and was never faster than a single slot; a browser per
 * slot was 1.2 to 1.5 times as fast as one slot. A second browser costs about 150 MB more memory.
 *
 * <p>Every call into the browser is made under the slot's {@link SlotWatchdog}: the page's own steps
 * under the page's deadline, starting and closing under deadlines of their own. After a failure the
 * slot repairs itself before the next task: a timeout or a crashed renderer replaces the tab (a hung
 * renderer must not poison the next page), and a browser that died or was killed is started again.
 */
final class RenderSlot implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RenderSlot.class.getName());

    /**
     * Added to the switches Playwright already passes (--headless, --no-sandbox, --no-first-run,
     * --disable-background-networking, --disable-component-update, --disable-sync,
     * --disable-dev-shm-usage, --hide-scrollbars, --mute-audio, --force-color-profile=srgb, ...).
     * The JavaScript heap cap makes a page that allocates without end crash its own renderer
     * (V8's default cap is several GB); memory outside that heap is the watchdog's
     * ({@link RenderSettings#memoryCapMegabytes}). The {@link NavigationFence} watches a page's own
     * requests, so everything stays in the page: no window.open or target=_blank (the headless
     * shell's switch; other Chromium's popup blocker, which {@link BrowserProcess} keeps Playwright
     * from turning off), and frames of other sites in the page's own renderer rather than in
     * processes of their own.
     */
    static final List<String> CHROMIUM_ARGS = List.of("--disable-gpu", "--disable-quic",
            "--js-flags=--max-old-space-size=" + RenderSettings.JS_HEAP_CAP_MEGABYTES,
            "--block-new-web-contents", "--disable-site-isolation-trials");

    private static final long LAUNCH_TIMEOUT_MILLIS = 60_000;

    /** For closing a tab or the browser, and for clearing the tab after a page. */
    private static final long CLOSE_TIMEOUT_MILLIS = 5_000;

    /**
     * A renderer keeps some of what every page it showed left behind: over 150 pages of the
     * PostgreSQL manual one grew to 220-280 MB in some runs, against about 190 MB in most. A new page,
     * and with it a new renderer process, every this many renders kept each renderer under 190 MB at
     * the same speed (bench/README.md); it costs one new tab per 50 pages.
     */
    static final int RENDERS_PER_PAGE = 50;

    /** How many new tabs a page gets when its tab stalls; about one new tab in 25 does. */
    private static final int NEW_TABS_WHEN_STALLED = 3;

    /** How long past the page's own deadline the watchdog waits before it kills the browser. */
    private static final long WATCHDOG_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int id;
    private final Path executable;
    private final List<String> extraChromiumArgs;
    private final long memoryCapBytes;
    private final int rendersPerPage;
    private PageCapture capture;
    private final NavigationFence fence = new NavigationFence();
    private Boundary boundary = Boundary.unrestricted();

    private BrowserProcess browser; // null: not started, or closed after a failure
    private SlotWatchdog watchdog;
    private Tab tab;

    RenderSlot(int id, Path executable, RenderSettings settings) {
        this(id, executable, settings, RENDERS_PER_PAGE);
    }

    /** With a new tab every {@code rendersPerPage} pages; tests open one for every page. */
    RenderSlot(int id, Path executable, RenderSettings settings, int rendersPerPage) {
        this.id = id;
        this.executable = executable;
        this.extraChromiumArgs = settings.extraChromiumArgs();
        this.memoryCapBytes = settings.memoryCapMegabytes() << 20;
        this.rendersPerPage = rendersPerPage;
        this.capture = PageCapture.forBrowser(executable, settings.beginFrames());
    }

    /** Starts the driver and the browser now rather than on the first task. */
    void start() {
        if (browser == null) startBrowser();
    }

    /** A page's viewport PNG, and the URL the page showed when it was taken. */
    record Capture(byte[] png, String finalUrl) {}

    /**
     * Loads {@code url} at the viewport in {@code limits}, waits for the load event and returns a PNG
     * of the viewport. Setting up the tab, navigation and screenshot together get
     * {@code limits.timeoutMillis()}. The page is held to {@code boundary} ({@link NavigationFence}):
     * when it tries to navigate out of it, the render fails with a reason naming the target.
     */
    Capture capture(String url, PageLimits limits, Boundary boundary) throws RenderFailedException {
        this.boundary = boundary;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.timeoutMillis());
        try {
            return captureOnce(url, limits, deadline);
        } catch (BeginFramesUnsupported e) {
            LOG.log(Level.WARNING, "render slot {0}: {1} does not draw frames on request ({2}); restarting it without",
                    id, executable, e.getMessage());
            capture = new CdpScreenshot();
            close();
            return captureOnce(url, limits, deadline);
        }
    }

    private Capture captureOnce(String url, PageLimits limits, long deadline) throws RenderFailedException {
        Page page = readyPage(limits, deadline);
        long timeoutMillis = limits.timeoutMillis();
        Capture png;
        try {
            png = watchdog.guard(deadline + WATCHDOG_GRACE_NANOS, tab::crashed, () -> loadMovingOffStalledTabs(page, url, limits, deadline));
        } catch (TimeoutError e) {
            closeTab();
            throw fence.escape().map(RenderFailedException::new).orElseGet(() -> timedOut(timeoutMillis));
        } catch (SlotWatchdog.Fired e) {
            close();
            throw switch (e.reason()) {
                case TIMED_OUT -> timedOut(timeoutMillis);
                case BROWSER_DIED -> new RenderFailedException("browser exited while rendering");
                case PAGE_CRASHED -> new RenderFailedException("renderer crashed while rendering");
                case OUT_OF_MEMORY -> new RenderFailedException("page used more than " + (memoryCapBytes >> 20)
                        + " MB of memory; its browser was stopped");
            };
        } catch (PlaywrightException e) {
            if (capture instanceof BeginFrameCapture && BeginFrameCapture.isUnsupported(e)) throw new BeginFramesUnsupported(e);
            String reason = repairAfter(e);
            throw new RenderFailedException(fence.escape().orElse(reason));
        }
        clearTab();
        Optional<String> escape = fence.escape();
        if (escape.isPresent()) throw new RenderFailedException(escape.get());
        return png;
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
     * be drawn must. A navigation that the page before started in this tab (a reload on a timer)
     * interrupts this one: the tab is blanked, which ends that page for good, and the load starts over.
     */
    private Capture loadMovingOffStalledTabs(Page first, String url, PageLimits limits, long deadlineNanos) {
        Page current = first;
        boolean blanked = false;
        for (int newTabs = 0; ; ) {
            try {
                fence.arm(current, url, boundary);
                byte[] png = capture.loadAndCapture(current, url, deadlineNanos, newTabs < NEW_TABS_WHEN_STALLED);
                return new Capture(png, current.url());
            } catch (BeginFrameCapture.FramesStalled e) {
                LOG.log(Level.INFO, "render slot {0}: {1} for {2}; loading it again in a new tab", id, e.getMessage(), url);
                current = tab.replacePage(limits);
                newTabs++;
            } catch (PlaywrightException e) {
                if (blanked || !String.valueOf(e.getMessage()).contains("interrupted by another navigation")) throw e;
                LOG.log(Level.DEBUG, "render slot {0}: the page before navigated over {1}; loading it again", id, url);
                tab.blank(PageCapture.millisLeft(deadlineNanos));
                blanked = true;
            }
        }
    }

    /**
     * The tab, set up for {@code limits}, within the page's deadline. A browser that fails even that
     * (it was killed while idle, say) is started again, once.
     */
    private Page readyPage(PageLimits limits, long deadline) throws RenderFailedException {
        for (int attempt = 1; ; attempt++) {
            try {
                if (browser == null) startBrowser();
                return watchdog.guard(deadline + WATCHDOG_GRACE_NANOS, tab::crashed, () -> tab.ready(limits));
            } catch (PlaywrightException | SlotWatchdog.Fired e) {
                close();
                String reason = e instanceof SlotWatchdog.Fired fired && fired.reason() == SlotWatchdog.Reason.TIMED_OUT
                        ? "no time left" : e instanceof PlaywrightException p ? oneLine(p) : e.getMessage();
                if (attempt == 2 || System.nanoTime() - deadline > 0) {
                    throw new RenderFailedException("browser could not open a page: " + reason);
                }
                LOG.log(Level.WARNING, "render slot {0}: starting over after {1}", id, reason);
            }
        }
    }

    private void startBrowser() {
        long started = System.nanoTime();
        List<String> args = new ArrayList<>(CHROMIUM_ARGS);
        args.addAll(capture.chromiumArgs());
        args.addAll(extraChromiumArgs);
        BrowserProcess fresh = new BrowserProcess();
        SlotWatchdog guard = new SlotWatchdog(fresh, memoryCapBytes);
        try {
            guard.bound(started + TimeUnit.MILLISECONDS.toNanos(LAUNCH_TIMEOUT_MILLIS + CLOSE_TIMEOUT_MILLIS),
                    () -> fresh.start(executable, args, LAUNCH_TIMEOUT_MILLIS));
        } catch (RuntimeException e) {
            fresh.close();
            throw e;
        }
        browser = fresh;
        watchdog = guard;
        tab = new Tab(fresh.browser(), rendersPerPage, fence);
        LOG.log(Level.INFO, "render slot {0}: started Chromium {1} in {2} ms, capturing with {3}", id, fresh.browser().version(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), capture.getClass().getSimpleName());
    }

    /**
     * After a page: the pages it opened closed. The page itself stays until the next one replaces it:
     * unloading each (about:blank) cost about a tenth of the pages per second, and an interruption
     * it may cause is dealt with when it happens ({@link #loadMovingOffStalledTabs}).
     */
    private void clearTab() {
        try {
            watchdog.guard(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_TIMEOUT_MILLIS), tab::crashed, () -> {
                tab.closePopups();
                return null;
            });
        } catch (SlotWatchdog.Fired e) {
            close();
        } catch (PlaywrightException e) {
            LOG.log(Level.DEBUG, "render slot {0}: a new tab after {1}", id, oneLine(e));
            closeTab();
        }
    }

    /** Puts the slot right for the next task and returns the one-line reason for this one. */
    private String repairAfter(PlaywrightException e) {
        if (!browser.isAlive() || !browser.browser().isConnected()) {
            close();
            return "browser exited while rendering: " + oneLine(e);
        }
        if (tab.crashed()) {
            closeTab();
            return "renderer crashed: " + oneLine(e);
        }
        return oneLine(e); // e.g. a DNS or connection error: the page itself is fine
    }

    /** A new tab for the next page; a browser that cannot even close one is started again. */
    private void closeTab() {
        try {
            watchdog.bound(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_TIMEOUT_MILLIS), tab::close);
        } catch (RuntimeException e) {
            close();
        }
    }

    /** Closes the tab, browser and driver, within a deadline; whatever is left is killed, and its files go. */
    @Override
    public void close() {
        BrowserProcess old = browser;
        SlotWatchdog oldWatchdog = watchdog;
        browser = null;
        watchdog = null;
        tab = null;
        if (old == null) return;
        try {
            oldWatchdog.bound(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_TIMEOUT_MILLIS), old::closeGracefully);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "render slot " + id + ": ignoring error while closing", e);
        } finally {
            old.close();
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
