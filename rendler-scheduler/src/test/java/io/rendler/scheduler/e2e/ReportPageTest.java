package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.playwright.Page;
import io.rendler.scheduler.demo.DemoSite;
import io.rendler.scheduler.graph.GraphSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html in real Chromium, opened from file:// as a user would: the demo crawl's report, and
 * synthetic 500-page and 10,000-page reports for speed and grouping. Screenshots of what it looks
 * like are left in target/report-shots/ for a person to judge.
 */
class ReportPageTest {

    /** Generous: catches a hang or a quadratic blow-up, not a slow machine. */
    private static final long READY_BOUND_MILLIS = 15_000;
    private static final Path SHOTS = Path.of(System.getProperty("rendler.report.shots", "target/report-shots"));
    /** Set it to keep the reports (in sub-directories demo, 500 and 10000) for a person to open. */
    private static final String KEEP = System.getProperty("rendler.report.keep");

    private static ReportBrowser browser;

    @BeforeAll
    static void launch() {
        browser = new ReportBrowser();
    }

    @AfterAll
    static void close() {
        browser.close();
    }

    @Test
    void theDemoReportShowsEveryPageWithItsScreenshotAndFindsUrls(@TempDir Path temp) throws Exception {
        Path out = outputDir(temp, "demo");
        String start;
        try (DemoSite site = DemoSite.start()) {
            start = site.startUrl();
            Rendler.Run run = Rendler.run("--output", out.toString(), "--force", "--max-pages", "500", "--max-depth", "50", start);
            assertEquals(0, run.exitCode(), run.output());
        }
        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("pages.json"))).getAsJsonObject();
        JsonArray pages = json.getAsJsonArray("pages");
        Page page = browser.newPage(1600, 1000);
        long millis = ReportBrowser.openAndAwaitGraph(page, out.resolve("report.html"));
        System.out.printf("demo report: %d pages, %d links, %d bytes, graph ready in %d ms%n", pages.size(),
                json.getAsJsonArray("links").size(), Files.size(out.resolve("report.html")), millis);

        assertEquals(pages.size(), ((Number) page.evaluate("rendlerView.pageCount()")).intValue());
        assertEquals(pages.size(), ((Number) page.evaluate("rendlerView.cy.nodes('[i]').length")).intValue(),
                "every page is a node of its own");
        screenshot(page, "demo-report.png");
        // Every node shows its screenshot, loaded from file:// (Cytoscape's image cache is internal,
        // but it is the only place that says whether the canvas could load them).
        page.waitForFunction("n => { const cache = rendlerView.cy.renderer().imageCache || {};"
                + " return Object.values(cache).filter(c => c.image && c.image.complete && c.image.naturalWidth > 0).length === n; }",
                json.get("summary").getAsJsonObject().get("rendered").getAsInt());

        ReportBrowser.clickNode(page, start);
        page.waitForFunction("() => { const img = document.querySelector('.rg-details img');"
                + " return img && img.complete && img.naturalWidth > 0; }");
        assertEquals(start, page.textContent(".rg-details h3"));
        screenshot(page, "demo-report-clicked.png");

        page.fill(".rg-search", "lighthouse-point");
        page.press(".rg-search", "Enter");
        page.waitForFunction("() => document.querySelector('.rg-count').textContent === '1 match'");
        page.waitForFunction("() => document.querySelector('.rg-details h3').textContent.includes('lighthouse-point')");
        screenshot(page, "demo-report-selected.png");
        assertEquals(java.util.List.of(), browser.problems);
    }

    @Test
    void fiveHundredPagesWithFifteenThousandLinksAreInteractiveInSeconds(@TempDir Path temp) throws Exception {
        Path out = outputDir(temp, "500");
        GraphSnapshot snapshot = ReportSamples.site(out, 500, 4, 30, true);
        assertTrue(snapshot.links().size() >= 14_000, "links: " + snapshot.links().size());
        Path report = ReportSamples.write(out, snapshot);
        Page page = browser.newPage(1600, 1000);
        long millis = ReportBrowser.openAndAwaitGraph(page, report);
        System.out.printf("500-page report: %d links, %d bytes, graph ready in %d ms%n", snapshot.links().size(),
                Files.size(report), millis);
        assertTrue(millis < READY_BOUND_MILLIS, "ready after " + millis + " ms");
        assertEquals(500, ((Number) page.evaluate("rendlerView.cy.nodes('[i]').length")).intValue());
        screenshot(page, "report-500.png");
        assertEquals(0, ((Number) page.evaluate("rendlerView.cy.nodes('[thumb]').length")).intValue(),
                "no thumbnails while 500 nodes are specks");
        page.evaluate("() => { const cy = rendlerView.cy; cy.zoom({level: 1, renderedPosition: {x: cy.width() / 2, y: cy.height() / 2}}); }");
        page.waitForFunction("() => { const n = rendlerView.cy.nodes('[thumb]').length; return n > 0 && n <= 120; }");
        screenshot(page, "report-500-zoomed.png");
        page.evaluate("rendlerView.fit()");

        String url = ReportSamples.url(9);
        long clicked = System.nanoTime();
        ReportBrowser.clickNode(page, url);
        page.waitForFunction("() => document.querySelector('.rg-details h3')?.textContent.includes('page-9.html')");
        page.waitForFunction("() => { const img = document.querySelector('.rg-details img');"
                + " return img && img.complete && img.naturalWidth > 0; }");
        System.out.printf("500-page report: details shown %d ms after the click%n", (System.nanoTime() - clicked) / 1_000_000);
        long links = ((Number) page.evaluate("rendlerView.cy.edges('[link]').length")).longValue();
        assertTrue(links > 30, "the selected page's links are drawn: " + links);
        screenshot(page, "report-500-selected.png");
        assertEquals(java.util.List.of(), browser.problems);
    }

    @Test
    void tenThousandCrawledPagesOpenInSecondsGroupedAndSearchOpensTheGroups(@TempDir Path temp) throws Exception {
        Path out = outputDir(temp, "10000");
        GraphSnapshot snapshot = ReportSamples.site(out, 10_000, 6, 3, false);
        Path report = ReportSamples.write(out, snapshot);
        Page page = browser.newPage(1600, 1000);
        long millis = ReportBrowser.openAndAwaitGraph(page, report);
        System.out.printf("10,000-page report: %d links, %d bytes, graph ready in %d ms%n", snapshot.links().size(),
                Files.size(report), millis);
        assertTrue(millis < READY_BOUND_MILLIS, "ready after " + millis + " ms");
        assertEquals(10_000, ((Number) page.evaluate("rendlerView.pageCount()")).intValue());
        int drawn = ((Number) page.evaluate("rendlerView.cy.nodes('[i]').length")).intValue();
        int groups = ((Number) page.evaluate("rendlerView.cy.nodes('[?group]').length")).intValue();
        System.out.printf("10,000-page report: %d pages drawn, %d groups%n", drawn, groups);
        assertTrue(drawn < 2_000 && groups > 0, drawn + " pages drawn, " + groups + " groups");
        screenshot(page, "report-10000.png");

        String deep = ReportSamples.url(9_876);
        assertEquals(false, page.evaluate("url => rendlerView.isShown(url)", deep));
        page.fill(".rg-search", "/page-9876.html");
        page.press(".rg-search", "Enter");
        page.waitForFunction("() => document.querySelector('.rg-count').textContent === '1 match'");
        assertEquals(true, page.evaluate("url => rendlerView.isShown(url)", deep), "the search opened its groups");
        page.waitForFunction("() => document.querySelector('.rg-details h3')?.textContent.includes('page-9876.html')");

        // Many matches are not all opened up to: the groups that hold them light up.
        page.fill(".rg-search", "/chapter-200/");
        page.press(".rg-search", "Enter");
        page.waitForFunction("() => /^\\d+ matches$/.test(document.querySelector('.rg-count').textContent)");
        int matches = Integer.parseInt(page.textContent(".rg-count").split(" ")[0]);
        long litGroups = ((Number) page.evaluate("rendlerView.cy.nodes('[?group].rg-match').length")).longValue();
        assertTrue(matches > 20 && litGroups > 0, matches + " matches, " + litGroups + " groups lit");

        // A click on a group opens it.
        int before = ((Number) page.evaluate("rendlerView.cy.nodes('[i]').length")).intValue();
        page.evaluate("() => { const g = rendlerView.cy.nodes('[?group]')[0]; g.emit('tap'); }");
        int after = ((Number) page.evaluate("rendlerView.cy.nodes('[i]').length")).intValue();
        assertTrue(after > before, before + " -> " + after);
        screenshot(page, "report-10000-search.png");
        assertEquals(java.util.List.of(), browser.problems);
    }

    /**
     * The contract the live view relies on, in a report page: pages that arrive UNFINISHED and are
     * updated, links to pages not given, and crawl text that tries to become markup.
     */
    @Test
    void aLiveViewTakesPagesAsTheyComeAndShowsHostileTextAsText(@TempDir Path out) throws Exception {
        Path report = ReportSamples.write(out, ReportSamples.site(out, 60, 4, 8, true));
        Page page = browser.newPage(1400, 900);
        ReportBrowser.openAndAwaitGraph(page, report);
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> result = (java.util.Map<String, Object>) page.evaluate("async () => {"
                + " const data = JSON.parse(document.getElementById('rendler-data').textContent);"
                + " const holder = document.createElement('div'); document.body.prepend(holder);"
                + " const v = RendlerGraph.mount(holder, {screenshotBase: 'screenshots/', live: true});"
                + " const selected = []; v.on('select', p => selected.push(p && p.url));"
                + " const pages = data.pages, links = data.links;"
                + " for (let k = 0; k < pages.length; k += 7) {"
                + "   v.upsertPages(pages.slice(k, k + 7).map(p => Object.assign({}, p, {status: 'UNFINISHED', screenshot: null})));"
                + "   v.addLinks(links.filter(l => l[0] < k + 7 && l[1] < k + 7).map(l => ({from: pages[l[0]].url, to: pages[l[1]].url})));"
                + " }"
                + " v.upsertPages(pages);"
                + " v.addLinks([{from: 'http://not-a-page.example/', to: pages[0].url}]);"
                + " const evil = {url: 'http://x.example/<img src=x onerror=\"window.pwned=1\">', depth: 1, status: 'CRAWL_FAILED',"
                + "   error: '<b onmouseover=alert(1)>boom</b>', screenshot: '../../etc/passwd', http_status: 500};"
                + " v.upsertPages([evil]); v.addLinks([{from: pages[0].url, to: evil.url}]);"
                + " v.select(evil.url);"
                + " await new Promise(resolve => v.on('ready', resolve));"
                + " return {count: v.pageCount(), shown: v.isShown(evil.url), selected: selected,"
                + "   injected: holder.querySelectorAll('.rg-details img, .rg-details b, [onerror], [onmouseover]').length,"
                + "   error: holder.querySelector('.rg-error').textContent, title: holder.querySelector('.rg-details h3').textContent,"
                + "   links: holder.querySelectorAll('.rg-details a[href]').length}; }");
        assertEquals(61, ((Number) result.get("count")).intValue(), result.toString());
        assertEquals(true, result.get("shown"));
        assertEquals(0, ((Number) result.get("injected")).intValue(), "crawl text stays text: " + result);
        assertEquals("<b onmouseover=alert(1)>boom</b>", result.get("error"));
        assertEquals("http://x.example/<img src=x onerror=\"window.pwned=1\">", result.get("title"));
        assertEquals(java.util.List.of("http://x.example/<img src=x onerror=\"window.pwned=1\">"), result.get("selected"));
        assertEquals(null, page.evaluate("window.pwned"));
        assertEquals(java.util.List.of(), browser.problems);
    }

    private static Path outputDir(Path temp, String name) throws java.io.IOException {
        if (KEEP == null) return temp;
        Path dir = Path.of(KEEP, name);
        Files.createDirectories(dir);
        return dir;
    }

    /** The graph section as it is on screen. */
    private static void screenshot(Page page, String name) throws java.io.IOException {
        Files.createDirectories(SHOTS);
        page.locator("#graph").screenshot(new com.microsoft.playwright.Locator.ScreenshotOptions().setPath(SHOTS.resolve(name)));
    }
}
