package io.rendler.render;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.ServiceWorkerPolicy;
import com.microsoft.playwright.options.ViewportSize;
import com.microsoft.playwright.options.WaitUntilState;
import io.rendler.common.PageLimits;

/**
 * A slot's browser context and the one page in it, reused from task to task. Its calls into
 * Playwright have no deadline of their own: the slot makes them under its {@link SlotWatchdog}.
 */
final class Tab {

    private final Browser browser;
    private final int rendersPerPage;
    private final NavigationFence fence;
    private BrowserContext context;
    private String userAgent;
    private Page page;
    private volatile boolean crashed; // set by Playwright's event thread, read by the watchdog's
    private int rendersOnPage;

    /**
     * With a new page every {@code rendersPerPage} renders, and so a new renderer process; each page
     * is watched by {@code fence}.
     */
    Tab(Browser browser, int rendersPerPage, NavigationFence fence) {
        this.browser = browser;
        this.rendersPerPage = rendersPerPage;
        this.fence = fence;
    }

    /** The page, set up for {@code limits}: a context with their User-Agent, a page with their viewport. */
    Page ready(PageLimits limits) {
        if (context == null || !limits.userAgent().equals(userAgent)) newContext(limits);
        if (page == null || page.isClosed() || crashed || rendersOnPage >= rendersPerPage) newPage();
        rendersOnPage++;
        ViewportSize viewport = page.viewportSize();
        if (viewport == null || viewport.width != limits.viewportWidth() || viewport.height != limits.viewportHeight()) {
            page.setViewportSize(limits.viewportWidth(), limits.viewportHeight());
        }
        return page;
    }

    /** A new page in place of the current one, set up for {@code limits}. */
    Page replacePage(PageLimits limits) {
        newPage();
        return ready(limits);
    }

    /** Closes the pages the last page opened (window.open); they would pile up in the reused context. */
    void closePopups() {
        for (Page other : context.pages()) {
            if (other != page) other.close();
        }
    }

    /**
     * Unloads whatever the tab shows, so that none of its timers and none of its own navigations
     * (a reload on a timer) can run any more.
     */
    void blank(long timeoutMillis) {
        page.navigate("about:blank", new Page.NavigateOptions().setWaitUntil(WaitUntilState.COMMIT).setTimeout(timeoutMillis));
    }

    boolean crashed() {
        return crashed;
    }

    private void newContext(PageLimits limits) {
        close();
        context = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(limits.viewportWidth(), limits.viewportHeight())
                .setDeviceScaleFactor(1)
                .setUserAgent(limits.userAgent())
                .setAcceptDownloads(false)
                // A service worker's requests would not pass the page's NavigationFence.
                .setServiceWorkers(ServiceWorkerPolicy.BLOCK));
        userAgent = limits.userAgent();
    }

    private void newPage() {
        if (page != null && !page.isClosed()) page.close();
        crashed = false;
        rendersOnPage = 0;
        Page fresh = context.newPage();
        fresh.onCrash(which -> {
            if (which == page) crashed = true;
        });
        NavigationFence.watch(fresh, fence); // lives as long as the page
        page = fresh;
    }

    /** Closes the context and its pages; the next {@link #ready} starts a new one. */
    void close() {
        BrowserContext old = context;
        context = null;
        userAgent = null;
        page = null;
        crashed = false;
        if (old != null) old.close();
    }
}
