package io.rendler.scheduler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rendler.scheduler.graph.GraphSnapshot;
import io.rendler.scheduler.graph.Link;
import io.rendler.scheduler.graph.PageRecord;
import io.rendler.scheduler.graph.PageStatus;
import io.rendler.scheduler.graph.RunSummary;
import io.rendler.scheduler.ui.UiAssets;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static final GraphvizRenderer.Result NOT_DRAWN = GraphvizRenderer.Result.notDrawn(
            "Graphviz `dot` not found; install graphviz to get graph.svg — rendler.dot is written anyway");
    private static final GraphvizRenderer.Result DRAWN = new GraphvizRenderer.Result(
            Path.of("out", GraphvizRenderer.SVG_FILE), 1600, 900.5, "graph.svg drawn by dot in 0.3 s");

    private static String report(GraphSnapshot snapshot, RunSummary summary, GraphvizRenderer.Result graph)
            throws IOException {
        StringWriter out = new StringWriter();
        new HtmlReport().write(snapshot, summary, graph, out);
        return out.toString();
    }

    private static Elements tableRows(Document doc) {
        return doc.select("#pages tbody tr");
    }

    @Test
    void hostileTextIsEscapedEverywhere() throws IOException {
        String evil = "http://evil.example/<script>alert(1)</script>\"onmouseover=\"alert(2)'";
        PageRecord page = new PageRecord(evil, 1, PageStatus.CRAWL_FAILED, evil, 500,
                "text/html<script>alert(3)</script>", null, "boom <img src=x onerror=alert(4)> & more",
                true, 1, 2, 3, 0);
        PageRecord js = new PageRecord("javascript:alert(5)", 2, PageStatus.RENDERED, null, 200, "text/html",
                "x.png", null, false, 1, 1, 1, 1);
        GraphSnapshot snapshot = new GraphSnapshot(List.of(page, js), List.of(new Link(evil, js.url())));
        RunSummary summary = new RunSummary(evil, 2, 1, 1, 1, Duration.ofSeconds(3), "stopped <b>by</b> \"you\"");
        String html = report(snapshot, summary, NOT_DRAWN);

        assertFalse(html.contains("<script>alert(1)"), "no injected script");
        assertFalse(html.contains("<img src=x"), "no injected image");
        Document doc = Jsoup.parse(html);
        assertEquals(4, doc.select("script").size(), "only ours: the data block, Cytoscape, graph-view.js, report.js");
        assertTrue(doc.select("[onerror], [onmouseover]").isEmpty(), "no event handlers");
        assertEquals(List.of(), doc.select("a[href^=javascript]").eachAttr("href"), "javascript: URLs are not links");

        Elements rows = tableRows(doc);
        assertEquals(2, rows.size());
        Elements cells = rows.get(0).select("td");
        assertEquals(evil, cells.get(0).text(), "the URL reads exactly as it is");
        assertEquals("500", cells.get(3).text());
        assertEquals("text/html<script>alert(3)</script>", cells.get(4).text());
        assertEquals("boom <img src=x onerror=alert(4)> & more", cells.get(5).text());
        assertEquals("yes", cells.get(9).text());
        assertTrue(doc.select("header").text().contains("stopped <b>by</b> \"you\""));
        assertEquals("rendler: " + evil, doc.title());
    }

    @Test
    void everyPageHasARowWithItsNumbers() throws IOException {
        GraphSnapshot snapshot = Pages.everyStatus();
        Document doc = Jsoup.parse(report(snapshot, Pages.summary(snapshot.pages().get(0).url(), snapshot), DRAWN));
        Elements rows = tableRows(doc);
        assertEquals(snapshot.pages().size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            PageRecord page = snapshot.pages().get(i);
            Elements cells = rows.get(i).select("td");
            assertEquals(10, cells.size());
            assertEquals(page.url(), cells.get(0).select("a").first().text());
            assertEquals(Integer.toString(page.depth()), cells.get(1).text());
            assertEquals(page.status().name().toLowerCase(Locale.ROOT).replace('_', ' '), cells.get(2).text());
            assertEquals(page.httpStatus() == 0 ? "" : Integer.toString(page.httpStatus()), cells.get(3).text());
            assertEquals(page.error() == null ? "" : page.error(), cells.get(5).text());
            assertEquals(Long.toString(page.crawlMillis()), cells.get(6).text());
            assertEquals(Long.toString(page.renderMillis()), cells.get(7).text());
            assertEquals(page.retries(), cells.get(8).text());
        }
        assertEquals(2, doc.select("#problems tbody tr").size(), "crawl and render failures are listed first");
    }

    @Test
    void theGraphIsDrawnInThePageAndGraphvizsDrawingIsLinkedOrExplained() throws IOException {
        GraphSnapshot snapshot = Pages.everyStatus();
        RunSummary summary = Pages.summary("http://example.org/", snapshot);

        Document drawn = Jsoup.parse(report(snapshot, summary, DRAWN));
        assertNotNull(drawn.selectFirst("#graph #graph-view"), "the interactive graph's box");
        assertNull(drawn.selectFirst("object, iframe, embed"), "graph.svg is not embedded: big ones take seconds to open");
        assertEquals(List.of("graph.svg"), drawn.select("#graph a[href=graph.svg]").eachAttr("href"));
        assertFalse(drawn.select("footer a[href=graph.svg]").isEmpty(), "the footer lists graph.svg too");

        Document notDrawn = Jsoup.parse(report(snapshot, summary, NOT_DRAWN));
        assertNotNull(notDrawn.selectFirst("#graph #graph-view"));
        assertTrue(notDrawn.select("a[href=graph.svg]").isEmpty(), "no link to a file that is not there");
        String text = notDrawn.select("#graph").text();
        assertTrue(text.contains("Graphviz `dot` not found"), text);
        assertTrue(text.contains("dot -Tsvg rendler.dot -o graph.svg"), text);
    }

    @Test
    void theDataBlockHoldsEveryPageAndLinkAndCrawlTextCannotEndIt() throws IOException {
        String evil = "http://example.org/</script><script>alert(1)</script><!--";
        GraphSnapshot base = Pages.everyStatus();
        List<PageRecord> pages = new ArrayList<>(base.pages());
        pages.add(new PageRecord(evil, 1, PageStatus.CRAWL_FAILED, null, 0, null, null, "</SCRIPT> & \u2028", false,
                1, 0, 1, 0));
        List<Link> links = new ArrayList<>(base.links());
        links.add(new Link(pages.get(0).url(), evil));
        links.add(new Link(evil, "http://example.org/not-a-page/"));
        GraphSnapshot snapshot = new GraphSnapshot(pages, links);
        String html = report(snapshot, Pages.summary("http://example.org/", snapshot), NOT_DRAWN);

        Document doc = Jsoup.parse(html);
        Element data = doc.selectFirst("script#" + HtmlReport.DATA_ID);
        assertNotNull(data);
        assertEquals("application/json", data.attr("type"));
        String json = data.data();
        assertFalse(json.contains("<"), "no '<' at all inside the block");
        JsonObject parsed = JsonParser.parseString(json).getAsJsonObject();
        JsonArray jsonPages = parsed.getAsJsonArray("pages");
        assertEquals(pages.size(), jsonPages.size());
        JsonObject last = jsonPages.get(pages.size() - 1).getAsJsonObject();
        assertEquals(evil, last.get("url").getAsString(), "the URL survives exactly");
        assertEquals("</SCRIPT> & \u2028", last.get("error").getAsString());
        assertEquals("CRAWL_FAILED", last.get("status").getAsString());
        assertTrue(last.has("render_millis") && last.has("final_url"), "the keys of pages.json");
        JsonArray jsonLinks = parsed.getAsJsonArray("links");
        assertEquals(base.links().size() + 1, jsonLinks.size(), "a link to a page not in the graph is left out");
        JsonArray added = jsonLinks.get(jsonLinks.size() - 1).getAsJsonArray();
        assertEquals(0, added.get(0).getAsInt());
        assertEquals(pages.size() - 1, added.get(1).getAsInt(), "links are [from, to] page indexes");
    }

    @Test
    void cytoscapeComesInlinedWithItsLicenceAndNothingIsFetchedFromElsewhere() throws IOException {
        GraphSnapshot snapshot = Pages.everyStatus();
        String html = report(snapshot, Pages.summary("http://example.org/", snapshot), DRAWN);
        Document doc = Jsoup.parse(html);

        int licence = html.indexOf("Permission is hereby granted, free of charge");
        int library = html.indexOf(UiAssets.cytoscapeJs().substring(0, 200));
        assertTrue(licence > 0 && library > licence, "the licence comes before the library");
        assertTrue(html.lastIndexOf("<!--", licence) > html.lastIndexOf("-->", licence), "in a comment");
        assertTrue(html.contains(UiAssets.ours("graph-view.js")), "graph-view.js, inlined as it is");
        assertTrue(html.contains(UiAssets.ours("graph-view.css")), "graph-view.css, inlined as it is");
        assertTrue(doc.selectFirst("footer").text().contains("Cytoscape.js " + UiAssets.cytoscapeVersion()),
                doc.selectFirst("footer").text());

        assertTrue(doc.select("script[src], link[href], iframe, object, embed, base").isEmpty(), "nothing loaded by reference");
        for (Element element : doc.select("[src]")) {
            String src = element.attr("src");
            assertTrue(src.startsWith("screenshots/"), "only our screenshots are loaded: " + src);
        }
        assertFalse(html.contains("cdn"), "no CDN anywhere");
        assertFalse(doc.select("style").html().contains("url("), "the styles fetch nothing");
    }

    @Test
    void theGalleryShowsLazyThumbnailsLinkingToTheImageAndThePage() throws IOException {
        GraphSnapshot snapshot = Pages.everyStatus();
        Document doc = Jsoup.parse(report(snapshot, Pages.summary("http://example.org/", snapshot), DRAWN));
        Elements figures = doc.select("#gallery figure");
        assertEquals(1, figures.size(), "only the rendered page has a screenshot");
        Element img = figures.first().selectFirst("img");
        assertEquals("screenshots/shot.png", img.attr("src"));
        assertEquals("lazy", img.attr("loading"));
        assertEquals("screenshots/shot.png", figures.first().selectFirst("a").attr("href"));
        assertEquals("http://example.org/rendered/", figures.first().selectFirst("figcaption a").attr("href"));
    }

    @Test
    void tenThousandPagesStayReasonable() throws IOException {
        GraphSnapshot snapshot = Pages.big(10_000, 2);
        long start = System.nanoTime();
        String html = report(snapshot, Pages.summary(snapshot.pages().get(0).url(), snapshot), NOT_DRAWN);
        long millis = (System.nanoTime() - start) / 1_000_000;
        Document doc = Jsoup.parse(html);
        assertEquals(HtmlReport.TABLE_LIMIT, tableRows(doc).size());
        assertTrue(doc.select("#pages").text().contains("First " + HtmlReport.TABLE_LIMIT + " of 10000 pages shown"));
        JsonObject data = JsonParser.parseString(doc.selectFirst("#" + HtmlReport.DATA_ID).data()).getAsJsonObject();
        assertEquals(10_000, data.getAsJsonArray("pages").size(), "the graph has every page");
        assertEquals(HtmlReport.GALLERY_LIMIT, doc.select("#gallery figure").size());
        assertTrue(doc.select("#gallery").text().contains("First " + HtmlReport.GALLERY_LIMIT + " of 9800 shown"));
        assertEquals(200, doc.select("#problems tbody tr").size(), "one page in 50 failed");
        assertTrue(html.length() < 10_000_000, "report is " + html.length() + " chars");
        assertTrue(millis < 2_000, "took " + millis + " ms");
    }

    @Test
    void elapsedTimeReadsNaturally() {
        assertEquals("12.3 s", HtmlReport.elapsed(Duration.ofMillis(12_345)));
        assertEquals("2 min 5 s", HtmlReport.elapsed(Duration.ofSeconds(125)));
        assertEquals("1 h 1 min", HtmlReport.elapsed(Duration.ofSeconds(3_700)));
    }

    @Test
    void anEmptyCrawlStillMakesAReport() throws IOException {
        GraphSnapshot empty = new GraphSnapshot(new ArrayList<>(), new ArrayList<>());
        Document doc = Jsoup.parse(report(empty, Pages.summary("http://example.org/", empty), NOT_DRAWN));
        assertEquals(0, tableRows(doc).size());
        assertTrue(doc.select("#gallery").text().contains("No screenshots"));
    }
}
