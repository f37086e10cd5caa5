package io.rendler.scheduler.output;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.rendler.scheduler.graph.GraphSnapshot;
import io.rendler.scheduler.graph.PageRecord;
import io.rendler.scheduler.graph.PageStatus;
import io.rendler.scheduler.graph.RunSummary;
import io.rendler.scheduler.ui.UiAssets;
import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes {@code report.html}: one self-contained page (inline CSS and scripts, nothing fetched
 * from elsewhere, so it works from file:// and offline) with the run summary, an interactive link
 * graph, the problems, a gallery of screenshot thumbnails and a table of every page.
 *
 * <p>The graph is drawn in the browser by our {@code graph-view.js} on Cytoscape.js, both inlined
 * from {@link UiAssets} with Cytoscape's licence in a comment before it. The pages and links go in as
 * a JSON data block (every {@code <} escaped, so crawl text cannot end the block). Graphviz's
 * graph.svg, when drawn, is linked rather than embedded: for big crawls it is megabytes that take a
 * browser many seconds to open.
 *
 * <p>Everything that came from the crawl is escaped in the HTML, and only http(s) URLs become links;
 * the scripts put crawl text into the page only as text.
 */
public final class HtmlReport {

    public static final String FILE_NAME = "report.html";

    /** Thumbnails shown in the gallery; the table still lists every page. */
    static final int GALLERY_LIMIT = 300;
    /** Failed pages listed in the problems section; the table still lists every page. */
    static final int PROBLEM_LIMIT = 200;

    /**
     * Rows in the pages table. Ten thousand rows doubled the time a browser took to open the
     * report; the graph's search, the details panel and pages.json still have every page.
     */
    static final int TABLE_LIMIT = 2_000;

    /** The id of the JSON block with the pages and links that report.js reads. */
    static final String DATA_ID = "rendler-data";

    /**
     * The data block's JSON. Gson's HTML-safe escaping writes {@code <}, {@code >}, {@code &},
     * {@code =} and {@code '} as Unicode escapes, so no crawl text can close the script element.
     */
    private static final Gson DATA_GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .serializeNulls()
            .create();

    /** What would end or confuse an inline script element. */
    private static final Pattern NOT_INLINABLE = Pattern.compile("(?i)</script|<!--");

    /** The shape of the data block: pages.json's pages, and links as [from, to] page indexes. */
    private record Data(List<PageRecord> pages, List<int[]> links) {}

    private static final String CSS = """
            :root { --ink: #1a202c; --muted: #4a5568; --line: #e2e8f0; --accent: #2b6cb0; }
            * { box-sizing: border-box; }
            body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
                   color: var(--ink); background: #f7fafc; }
            header { background: #1a365d; color: #fff; padding: 24px 32px; }
            header h1 { margin: 0 0 4px; font-size: 24px; }
            header a { color: #bee3f8; word-break: break-all; }
            main { padding: 8px 32px 48px; }
            h2 { margin: 32px 0 12px; font-size: 19px; }
            .summary { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0 0; padding: 0; }
            .summary div { background: rgba(255,255,255,.1); border-radius: 6px; padding: 8px 14px; }
            .summary dt { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; opacity: .8; }
            .summary dd { margin: 0; font-size: 20px; font-weight: 600; }
            .note { color: var(--muted); }
            code { background: #edf2f7; padding: 1px 5px; border-radius: 4px; }
            .gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 16px; }
            figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
            figure img { display: block; width: 100%; height: auto; aspect-ratio: 1280 / 800; object-fit: cover;
                         object-position: top; background: #edf2f7; }
            figcaption { padding: 6px 10px; font-size: 13px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
            table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
            th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
            th { position: sticky; top: 0; background: #edf2f7; }
            td.url { word-break: break-all; min-width: 20em; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            td.error { color: #9b2c2c; word-break: break-word; }
            .status { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 12px; white-space: nowrap; }
            .RENDERED { background: #ebf8ff; color: #2b6cb0; }
            .CRAWLED { background: #ebf8ff; color: #2c5282; }
            .REDIRECTED { background: #fff; color: #4a5568; border: 1px dashed #a0aec0; }
            .RENDER_FAILED { background: #fffaf0; color: #c05621; }
            .NOT_HTML { background: #f7fafc; color: #4a5568; border: 1px solid #cbd5e0; }
            .CRAWL_FAILED { background: #fff5f5; color: #c53030; }
            .UNFINISHED { background: #f7fafc; color: #718096; border: 1px dashed #a0aec0; }
            .SKIPPED_ROBOTS { background: #f7fafc; color: #4a5568; border: 1px dashed #718096; }
            footer { padding: 16px 32px; color: var(--muted); font-size: 13px; }
            /* the browser lays out the long sections only when scrolled to: the graph is ready sooner */
            #problems, #gallery, #pages { content-visibility: auto; contain-intrinsic-size: auto 2000px; }
            """;

    /**
     * Writes the report; the caller buffers and closes {@code out}.
     *
     * @param graph what Graphviz did this run; its SVG, when there is one, is shown from {@code graph.svg}
     */
    public void write(GraphSnapshot snapshot, RunSummary summary, GraphvizRenderer.Result graph, Writer out)
            throws IOException {
        out.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>rendler: ");
        text(summary.startUrl(), out);
        out.write("</title>\n<style>\n");
        out.write(CSS);
        out.write(UiAssets.ours("graph-view.css"));
        out.write("</style>\n</head>\n<body>\n");
        writeHeader(snapshot, summary, out);
        out.write("<main>\n");
        writeGraph(graph, out);
        // The scripts come right after the graph's box, before the long tables: the graph is drawn
        // while the rest of a big report is still being read.
        writeScripts(snapshot, out);
        writeProblems(snapshot, out);
        writeGallery(snapshot, out);
        writeTable(snapshot, out);
        out.write("</main>\n<footer>Also in this directory: <a href=\"" + DotWriter.FILE_NAME + "\">"
                + DotWriter.FILE_NAME + "</a> (Graphviz source)");
        if (graph.produced()) {
            out.write(", <a href=\"" + GraphvizRenderer.SVG_FILE + "\">" + GraphvizRenderer.SVG_FILE
                    + "</a> (drawn by Graphviz)");
        }
        out.write(" and <a href=\"" + OutputWriter.PAGES_JSON + "\">" + OutputWriter.PAGES_JSON
                + "</a> (every page and link, for scripts). The graph above is drawn in your browser by Cytoscape.js "
                + UiAssets.cytoscapeVersion() + " (MIT licence), which is included in this file.</footer>\n");
        out.write("</body>\n</html>\n");
    }

    private static void writeScripts(GraphSnapshot snapshot, Writer out) throws IOException {
        out.write("<script type=\"application/json\" id=\"" + DATA_ID + "\">");
        // HTML-safe gson leaves no '<' at all; the replace is a second lock on the same door.
        out.write(dataJson(snapshot).replace("</", "<\\/"));
        out.write("</script>\n<!--\nCytoscape.js " + UiAssets.cytoscapeVersion()
                + ", bundled below unchanged, is distributed under this licence:\n\n");
        out.write(UiAssets.cytoscapeLicense().replace("--", "- -").replace(">", "&gt;"));
        out.write("\n-->\n");
        inlineScript(UiAssets.cytoscapeJs(), out);
        inlineScript(UiAssets.ours("graph-view.js"), out);
        inlineScript(UiAssets.ours("report.js"), out);
    }

    static String dataJson(GraphSnapshot snapshot) {
        return DATA_GSON.toJson(new Data(snapshot.pages(), snapshot.linkIndexes()));
    }

    private static void inlineScript(String js, Writer out) throws IOException {
        if (NOT_INLINABLE.matcher(js).find()) {
            throw new IllegalStateException("a UI script holds </script or <!-- and cannot be inlined");
        }
        out.write("<script>\n");
        out.write(js);
        out.write("\n</script>\n");
    }

    private static void writeHeader(GraphSnapshot snapshot, RunSummary summary, Writer out) throws IOException {
        out.write("<header>\n<h1>rendler report</h1>\n<div>");
        link(summary.startUrl(), summary.startUrl(), out);
        out.write("</div>\n<dl class=\"summary\">\n");
        fact("pages", Integer.toString(snapshot.pages().size()), out);
        fact("crawled", Integer.toString(summary.crawled()), out);
        fact("rendered", Integer.toString(summary.rendered()), out);
        fact("failed", Integer.toString(summary.failed()), out);
        fact("links", Integer.toString(summary.edges()), out);
        fact("elapsed", elapsed(summary.elapsed()), out);
        fact("stopped", summary.stopReason(), out);
        out.write("</dl>\n<p>");
        Map<PageStatus, Integer> counts = new EnumMap<>(PageStatus.class);
        for (PageRecord page : snapshot.pages()) counts.merge(page.status(), 1, Integer::sum);
        boolean first = true;
        for (Map.Entry<PageStatus, Integer> count : counts.entrySet()) {
            if (!first) out.write(" · ");
            first = false;
            out.write(count.getValue() + " " + statusWords(count.getKey()));
        }
        out.write("</p>\n</header>\n");
    }

    private static void fact(String name, String value, Writer out) throws IOException {
        out.write("<div><dt>");
        out.write(name);
        out.write("</dt><dd>");
        text(value, out);
        out.write("</dd></div>\n");
    }

    private static void writeGraph(GraphvizRenderer.Result graph, Writer out) throws IOException {
        out.write("<section id=\"graph\">\n<h2>Link graph</h2>\n");
        out.write("<div id=\"graph-view\" class=\"graph-view\"><noscript><p class=\"note\">The interactive graph needs "
                + "JavaScript; the tables below have every page.</p></noscript></div>\n<p class=\"note\">Each page hangs "
                + "from the page that first linked to it; click a page to draw all its links. ");
        if (graph.produced()) {
            text(graph.note(), out);
            out.write(": <a href=\"" + GraphvizRenderer.SVG_FILE + "\">" + GraphvizRenderer.SVG_FILE
                    + "</a> is the static drawing of every link.</p>\n");
        } else {
            text(graph.note(), out);
            out.write(". To draw every link statically, install Graphviz and run <code>dot -Tsvg "
                    + DotWriter.FILE_NAME + " -o " + GraphvizRenderer.SVG_FILE
                    + "</code> in this directory (<code>sfdp</code> instead of <code>dot</code> for big graphs).</p>\n");
        }
        out.write("</section>\n");
    }

    private static void writeProblems(GraphSnapshot snapshot, Writer out) throws IOException {
        int total = 0;
        for (PageRecord page : snapshot.pages()) if (isProblem(page)) total++;
        if (total == 0) return;
        out.write("<section id=\"problems\">\n<h2>Problems</h2>\n");
        if (total > PROBLEM_LIMIT) {
            out.write("<p class=\"note\">First " + PROBLEM_LIMIT + " of " + total + " shown; the table below has them all.</p>\n");
        }
        out.write("<table>\n<thead><tr><th>URL</th><th>Status</th><th>Reason</th></tr></thead>\n<tbody>\n");
        int shown = 0;
        for (PageRecord page : snapshot.pages()) {
            if (!isProblem(page)) continue;
            if (shown++ == PROBLEM_LIMIT) break;
            out.write("<tr><td class=\"url\">");
            link(page.url(), page.url(), out);
            out.write("</td><td>");
            status(page, out);
            out.write("</td><td class=\"error\">");
            text(page.error(), out);
            out.write("</td></tr>\n");
        }
        out.write("</tbody>\n</table>\n</section>\n");
    }

    private static boolean isProblem(PageRecord page) {
        return page.status() == PageStatus.CRAWL_FAILED || page.status() == PageStatus.RENDER_FAILED;
    }

    private static void writeGallery(GraphSnapshot snapshot, Writer out) throws IOException {
        int total = 0;
        for (PageRecord page : snapshot.pages()) if (PageText.safeScreenshot(page) != null) total++;
        out.write("<section id=\"gallery\">\n<h2>Screenshots</h2>\n");
        if (total == 0) {
            out.write("<p class=\"note\">No screenshots were taken in this run.</p>\n</section>\n");
            return;
        }
        if (total > GALLERY_LIMIT) {
            out.write("<p class=\"note\">First " + GALLERY_LIMIT + " of " + total + " shown; every one is in <a href=\""
                    + PageText.SCREENSHOT_DIR + "/\">" + PageText.SCREENSHOT_DIR + "/</a>.</p>\n");
        }
        out.write("<div class=\"gallery\">\n");
        int shown = 0;
        for (PageRecord page : snapshot.pages()) {
            String file = PageText.safeScreenshot(page);
            if (file == null) continue;
            if (shown++ == GALLERY_LIMIT) break;
            String src = PageText.SCREENSHOT_DIR + "/" + file; // safeScreenshot allows only [A-Za-z0-9._-]
            out.write("<figure><a href=\"" + src + "\"><img src=\"" + src
                    + "\" loading=\"lazy\" width=\"1280\" height=\"800\" alt=\"Screenshot of ");
            text(page.url(), out);
            out.write("\"></a><figcaption>");
            link(page.url(), PageText.shortPath(page.url(), 60), out);
            out.write("</figcaption></figure>\n");
        }
        out.write("</div>\n</section>\n");
    }

    private static void writeTable(GraphSnapshot snapshot, Writer out) throws IOException {
        out.write("<section id=\"pages\">\n<h2>Pages</h2>\n");
        int total = snapshot.pages().size();
        if (total > TABLE_LIMIT) {
            out.write("<p class=\"note\">First " + TABLE_LIMIT + " of " + total + " pages shown; the graph's search finds "
                    + "every page, and <a href=\"" + OutputWriter.PAGES_JSON + "\">" + OutputWriter.PAGES_JSON
                    + "</a> lists them all.</p>\n");
        }
        out.write("<table>\n<thead><tr><th>URL</th><th>Depth</th>"
                + "<th>Status</th><th>HTTP</th><th>Content type</th><th>Error</th><th>Crawl ms</th>"
                + "<th>Render ms</th><th>Retries</th><th>Truncated</th></tr></thead>\n<tbody>\n");
        int shown = 0;
        for (PageRecord page : snapshot.pages()) {
            if (shown++ == TABLE_LIMIT) break;
            out.write("<tr><td class=\"url\">");
            link(page.url(), page.url(), out);
            if (page.finalUrl() != null && !page.finalUrl().equals(page.url())) {
                out.write("<br>→ ");
                link(page.finalUrl(), page.finalUrl(), out);
            }
            out.write("</td><td class=\"num\">" + page.depth() + "</td><td>");
            status(page, out);
            out.write("</td><td class=\"num\">" + (page.httpStatus() > 0 ? Integer.toString(page.httpStatus()) : ""));
            out.write("</td><td>");
            text(page.contentType(), out);
            out.write("</td><td class=\"error\">");
            text(page.error(), out);
            out.write("</td><td class=\"num\">" + page.crawlMillis() + "</td><td class=\"num\">" + page.renderMillis()
                    + "</td><td>" + page.retries() + "</td><td>" + (page.truncated() ? "yes" : "")
                    + "</td></tr>\n");
        }
        out.write("</tbody>\n</table>\n</section>\n");
    }

    private static void status(PageRecord page, Writer out) throws IOException {
        out.write("<span class=\"status " + page.status().name() + "\">" + statusWords(page.status()) + "</span>");
    }

    private static String statusWords(PageStatus status) {
        return status.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** {@code label} as a link to {@code url} when it is an http(s) URL, else as plain text. */
    private static void link(String url, String label, Writer out) throws IOException {
        if (url == null) return;
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            text(label, out);
            return;
        }
        out.write("<a href=\"");
        text(DotStrings.percentEncodeUnsafe(url), out);
        out.write("\">");
        text(label, out);
        out.write("</a>");
    }

    /** Writes {@code s} escaped for HTML text and quoted attribute values; null writes nothing. */
    static void text(String s, Writer out) throws IOException {
        if (s == null) return;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String replacement = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F ? "\uFFFD" : null;
            };
            if (replacement == null) continue;
            out.write(s, start, i - start);
            out.write(replacement);
            start = i + 1;
        }
        out.write(s, start, s.length() - start);
    }

    static String elapsed(Duration elapsed) {
        long millis = elapsed.toMillis();
        if (millis < 60_000) return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        long seconds = elapsed.toSeconds();
        if (seconds < 3600) return String.format(Locale.ROOT, "%d min %d s", seconds / 60, seconds % 60);
        return String.format(Locale.ROOT, "%d h %d min", seconds / 3600, (seconds % 3600) / 60);
    }
}
