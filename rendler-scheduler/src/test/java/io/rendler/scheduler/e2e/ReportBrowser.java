package io.rendler.scheduler.e2e;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.rendler.render.BrowserLocator;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real Chromium, driven by Playwright, that opens a report.html from file:// as a user would, and
 * records every console error and uncaught page error it shows.
 */
final class ReportBrowser implements AutoCloseable {

    private final Playwright playwright;
    private final Browser browser;
    final List<String> problems = new CopyOnWriteArrayList<>();

    ReportBrowser() {
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(BrowserLocator.installedOnly().locate(Optional.empty()))
                .setHeadless(true)
                .setArgs(List.of("--disable-gpu", "--disable-quic",
                        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost")));
    }

    /** A new tab of {@code width} x {@code height} CSS pixels that records problems. */
    Page newPage(int width, int height) {
        Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(width, height));
        page.onConsoleMessage(message -> {
            if (message.type().equals("error")) problems.add("console: " + message.text());
        });
        page.onPageError(error -> problems.add("page error: " + error));
        return page;
    }

    /** Opens {@code report} and waits until its graph says it is drawn; returns the milliseconds that took. */
    static long openAndAwaitGraph(Page page, Path report) {
        long start = System.nanoTime();
        page.navigate(report.toUri().toString());
        page.waitForFunction("() => window.rendlerReady === true", null,
                new Page.WaitForFunctionOptions().setTimeout(60_000));
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Clicks the graph node of {@code url} where it is on screen (panning to it first if it is not), as a user would. */
    static void clickNode(Page page, String url) {
        page.waitForFunction("() => !window.rendlerView.cy.animated()"); // a node in flight is hard to hit
        @SuppressWarnings("unchecked")
        Map<String, Object> at = (Map<String, Object>) page.evaluate("url => {"
                + " const cy = window.rendlerView.cy, n = window.rendlerView.nodeOf(url);"
                + " cy.container().scrollIntoView();"
                + " let p = n.renderedPosition();"
                + " if (p.x < 0 || p.y < 0 || p.x > cy.width() || p.y > cy.height()) cy.center(n);"
                + " p = n.renderedPosition(); const r = cy.container().getBoundingClientRect();"
                + " return {x: r.left + p.x, y: r.top + p.y}; }", url);
        page.mouse().click(((Number) at.get("x")).doubleValue(), ((Number) at.get("y")).doubleValue());
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
