package io.rendler.scheduler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rendler.scheduler.graph.GraphSnapshot;
import io.rendler.scheduler.graph.Link;
import io.rendler.scheduler.graph.PageRecord;
import io.rendler.scheduler.graph.PageStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotWriterTest {

    /** URLs built to break a naive writer: the DOT lexer, escString expansion, XML, HTML. */
    static final List<String> HOSTILE_URLS = List.of(
            "http://example.org/",
            "http://example.org/a\"b",
            "http://example.org/back\\slash",
            "http://example.org/trailing\\",
            "http://example.org/quote-at-end\"",
            "http://example.org/\\\"mixed\\\\\"",
            "http://example.org/new\nline",
            "http://example.org/cr\rlf",
            "http://example.org/<script>alert(1)</script>",
            "http://example.org/esc\\N\\G\\l\\n\\E\\T\\H\\L",
            "http://example.org/amp?a=1&b=2&amp;c=&lt;",
            "http://example.org/ünïcødé/日本語/😀",
            "http://example.org/nul\u0000byte\u0001",
            "http://example.org/lone\uD800surrogate",
            "http://example.org/tab\there",
            "http://example.org/{curly}|pipe^caret`tick",
            "http://example.org/--><!--comment",
            "http://example.org/%22already%20encoded");

    @TempDir
    Path dir;

    static GraphSnapshot hostileSnapshot() {
        List<PageRecord> pages = new ArrayList<>();
        List<Link> links = new ArrayList<>();
        PageStatus[] statuses = PageStatus.values();
        for (int i = 0; i < HOSTILE_URLS.size(); i++) {
            String url = HOSTILE_URLS.get(i);
            PageStatus status = statuses[i % statuses.length];
            PageRecord base = Pages.withStatus(url, status);
            pages.add(status == PageStatus.RENDERED ? Pages.rendered(url, 1, "shot.png") : base);
            links.add(new Link(HOSTILE_URLS.get(0), url));
            links.add(new Link(url, HOSTILE_URLS.get((i + 1) % HOSTILE_URLS.size())));
        }
        return new GraphSnapshot(pages, links);
    }

    static String dotText(GraphSnapshot snapshot) throws IOException {
        StringWriter out = new StringWriter();
        new DotWriter().write(snapshot, out);
        return out.toString();
    }

    @Test
    void everyPageIsOneNodeAndEveryLinkOneEdge() throws IOException {
        GraphSnapshot snapshot = Pages.everyStatus();
        String dot = dotText(snapshot);
        assertTrue(dot.startsWith("digraph rendler {\n"));
        assertTrue(dot.endsWith("}\n"));
        assertEquals(snapshot.links().size(), dot.split(" -> ", -1).length - 1);
        for (PageRecord page : snapshot.pages()) {
            assertTrue(dot.contains("  \"" + page.url() + "\" [label="), page.url());
        }
    }

    @Test
    void onlyLinksToDeeperPagesShapeTheLayers() throws IOException {
        PageRecord home = Pages.rendered("http://example.org/", 0, null);
        PageRecord child = Pages.rendered("http://example.org/a", 1, null);
        PageRecord sibling = Pages.rendered("http://example.org/b", 1, null);
        String dot = dotText(new GraphSnapshot(List.of(home, child, sibling), List.of(
                new Link(home.url(), child.url()), new Link(child.url(), home.url()),
                new Link(child.url(), sibling.url()), new Link(child.url(), child.url()))));
        assertTrue(dot.contains("  \"http://example.org/\" -> \"http://example.org/a\";\n"), dot);
        String loose = " [constraint=\"false\", color=\"#a0aec060\"];\n";
        assertTrue(dot.contains("  \"http://example.org/a\" -> \"http://example.org/\"" + loose), dot);
        assertTrue(dot.contains("  \"http://example.org/a\" -> \"http://example.org/b\"" + loose), dot);
        assertTrue(dot.contains("  \"http://example.org/a\" -> \"http://example.org/a\"" + loose), dot);
    }

    @Test
    void onlyPagesWithAScreenshotGetAnImageAndTheBigSize() throws IOException {
        PageRecord shot = Pages.rendered("http://example.org/a", 0, "example.org_a-0123456789ab.png");
        PageRecord none = Pages.withStatus("http://example.org/b", PageStatus.CRAWL_FAILED);
        PageRecord sneaky = Pages.rendered("http://example.org/c", 1, "../../etc/passwd");
        String dot = dotText(new GraphSnapshot(List.of(shot, none, sneaky), List.of()));
        String[] lines = dot.split("\n");
        String a = lineFor(lines, shot.url());
        String b = lineFor(lines, none.url());
        String c = lineFor(lines, sneaky.url());
        assertTrue(a.contains("image=\"screenshots/example.org_a-0123456789ab.png\""), a);
        assertTrue(a.contains("height=\"1.9\""), a);
        assertFalse(b.contains("image="), b);
        assertTrue(b.contains("label=\"/b\\nHTTP 404\""), b);
        assertTrue(b.contains("color=\"#c53030\""), b);
        assertFalse(c.contains("image="), "a screenshot name that is not a plain file name is not used: " + c);
    }

    private static String lineFor(String[] lines, String url) {
        for (String line : lines) if (line.startsWith("  \"" + url + "\" [")) return line;
        throw new AssertionError("no node line for " + url);
    }

    @Test
    void everyAttributeValueIsQuoted() throws IOException {
        String dot = dotText(hostileSnapshot());
        // Outside quoted strings, an attribute name is always followed by =" .
        var unquoted = java.util.regex.Pattern.compile("(?:\\[|, )[A-Za-z]+=[^\"]");
        for (String statement : outsideQuotes(dot)) {
            assertFalse(unquoted.matcher(statement).find(), statement);
        }
    }

    /** The text of {@code dot} with every quoted string replaced by {@code ""}, using DOT's rules. */
    private static List<String> outsideQuotes(String dot) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < dot.length(); i++) {
            char c = dot.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < dot.length()) {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                    current.append('"');
                }
            } else {
                current.append(c);
                if (c == '"') quoted = true;
                if (c == '\n') {
                    parts.add(current.toString());
                    current.setLength(0);
                }
            }
        }
        assertFalse(quoted, "a string is left open");
        return parts;
    }

    @Test
    void hostileUrlsGiveDistinctIdsAndNoRawQuotesOrControls() throws IOException {
        Set<String> ids = new HashSet<>();
        for (String url : HOSTILE_URLS) {
            String id = DotStrings.quotedId(url);
            assertTrue(ids.add(id), "two URLs share the ID " + id);
            String inner = id.substring(1, id.length() - 1);
            for (int i = 0; i < inner.length(); i++) {
                char c = inner.charAt(i);
                if (c == '\\') {
                    i++; // an escape pair
                    continue;
                }
                assertNotEquals('"', c, id);
                assertFalse(c < 0x20 && c != '\n' && c != '\t', id);
            }
        }
        // A trailing backslash would otherwise escape the closing quote.
        assertEquals("\"a\\\\\"", DotStrings.quotedId("a\\"));
        assertEquals("\"a\\\"b\"", DotStrings.quotedId("a\"b"));
        assertEquals("\"x\\u0000y\"", DotStrings.quotedId("x\u0000y"));
        assertNotEquals(DotStrings.quotedId("x\u0000y"), DotStrings.quotedId("x\\u0000y"));
    }

    @Test
    void labelsShowTextLiterallyAndUrlsCarryNoBackslashOrQuote() {
        assertEquals("\"a\\\\N \\\" &amp;lt;\\n404\"", DotStrings.quotedLabel("a\\N \" &lt;", "404"));
        assertEquals("\"bell\uFFFD\"", DotStrings.quotedLabel("bell\u0007"));
        String url = DotStrings.quotedUrl("http://x/a\\b\"c <d> e\nf&g");
        assertEquals("\"http://x/a%5Cb%22c%20%3Cd%3E%20e%0Af&amp;g\"", url);
        assertEquals("\"http://x/ü\"", DotStrings.quotedUrl("http://x/ü"), "non-ASCII stays readable");
    }

    @Test
    void sameSnapshotGivesSameBytes() throws IOException {
        GraphSnapshot snapshot = hostileSnapshot();
        GraphSnapshot copy = new GraphSnapshot(new ArrayList<>(snapshot.pages()), new ArrayList<>(snapshot.links()));
        assertEquals(dotText(snapshot), dotText(copy));
        assertEquals(dotText(Pages.big(300, 12)), dotText(Pages.big(300, 12)));
    }

    @Test
    void tenThousandPagesAndTwoHundredThousandLinksWriteWellUnderASecond() throws IOException {
        GraphSnapshot snapshot = Pages.big(10_000, 20);
        assertEquals(200_000, snapshot.links().size());
        Path file = dir.resolve("big.dot");
        writeTo(file, snapshot); // warm-up: class loading and JIT are not what this measures
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            writeTo(file, snapshot);
            best = Math.min(best, System.nanoTime() - start);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(best);
        System.out.printf("DotWriter: 10,000 pages, 200,000 links, %d MB in %d ms%n", Files.size(file) >> 20, millis);
        assertTrue(millis < 1000, "took " + millis + " ms");
    }

    private static void writeTo(Path file, GraphSnapshot snapshot) throws IOException {
        AtomicFiles.writeText(file, out -> new DotWriter().write(snapshot, out));
    }

    @Test
    void graphvizParsesHostileUrlsAndEveryUrlRoundTripsThroughTheSvg() throws Exception {
        Path dot = GraphvizSupport.dotOrSkip();
        GraphSnapshot snapshot = hostileSnapshot();
        writeThumbnail(dir.resolve("screenshots/shot.png"));
        writeTo(dir.resolve(DotWriter.FILE_NAME), snapshot);

        Document svg = GraphvizSupport.svg(dot, dir);
        List<Element> nodes = svg.select("g.node");
        assertEquals(snapshot.pages().size(), nodes.size(), "nodes in the SVG");
        assertEquals(snapshot.links().size(), svg.select("g.edge").size(), "edges in the SVG");

        Set<String> titles = new HashSet<>();
        Map<String, Element> byUrl = new HashMap<>();
        for (Element node : nodes) {
            assertTrue(titles.add(node.selectFirst("title").text()), "node names are distinct");
            Element link = node.selectFirst("a");
            String href = link.attr("xlink:href");
            assertEquals(href, link.attr("xlink:title"), "tooltip shows the full URL");
            byUrl.put(href, node);
        }
        for (PageRecord page : snapshot.pages()) {
            String href = DotStrings.percentEncodeUnsafe(page.url());
            Element node = byUrl.get(href);
            assertTrue(node != null, "no node links to " + href);
            if (!page.url().contains("%")) {
                assertEquals(page.url().replace('\uD800', '\uFFFD'), percentDecode(href), "the link decodes to the URL");
            }
            boolean thumbnail = node.selectFirst("image") != null;
            assertEquals(page.status() == PageStatus.RENDERED, thumbnail, page.url());
            if (thumbnail) assertEquals("screenshots/shot.png", node.selectFirst("image").attr("xlink:href"));
        }
        String escapes = byUrl.get("http://example.org/esc%5CN%5CG%5Cl%5Cn%5CE%5CT%5CH%5CL").select("text").first().text();
        assertEquals("/esc\\N\\G\\l\\n\\E\\T\\H\\L", escapes, "label escapes are shown, not expanded");
        assertEquals("/amp?a=1&b=2&amp;c=&lt;",
                byUrl.get("http://example.org/amp?a=1&b=2&amp;c=&lt;").select("text").first().text());
    }

    @Test
    void graphvizDrawsAGraphWithLinksLongerThanItsStringsAndKeepsThemApart() throws Exception {
        Path dot = GraphvizSupport.dotOrSkip();
        String root = "http://example.org/";
        // Two 100 KB links that differ only at the end, one of them full of characters that quoting
        // makes longer: Graphviz refuses any quoted string of 16,384 characters or more.
        String longA = root + "long?" + "x".repeat(100_000) + "a";
        String longB = root + "long?" + "\"".repeat(50_000) + "x".repeat(50_000) + "b";
        GraphSnapshot snapshot = new GraphSnapshot(
                List.of(Pages.rendered(root, 0, "shot.png"), Pages.rendered(longA, 1, "shot.png"), Pages.withStatus(longB, PageStatus.CRAWLED)),
                List.of(new Link(root, longA), new Link(root, longB), new Link(longA, longB)));
        writeThumbnail(dir.resolve("screenshots/shot.png"));
        writeTo(dir.resolve(DotWriter.FILE_NAME), snapshot);

        Document svg = GraphvizSupport.svg(dot, dir);
        assertEquals(3, svg.select("g.node").size(), "nodes in the SVG");
        assertEquals(3, svg.select("g.edge").size(), "edges in the SVG");
        for (Element node : svg.select("g.node")) {
            assertTrue(node.selectFirst("a").attr("xlink:href").length() < 16_384, "the link is cut to what Graphviz takes");
        }
    }

    static void writeThumbnail(Path png) throws IOException {
        Files.createDirectories(png.getParent());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(1280, 800, BufferedImage.TYPE_INT_RGB), "png", bytes);
        Files.write(png, bytes.toByteArray());
    }

    /** Decodes %XX escapes as UTF-8 and nothing else (unlike URLDecoder, which also eats '+'). */
    static String percentDecode(String s) {
        StringBuilder out = new StringBuilder();
        ByteArrayOutputStream escaped = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                escaped.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
                continue;
            }
            out.append(escaped.toString(StandardCharsets.UTF_8));
            escaped.reset();
            out.append(c);
        }
        return out.append(escaped.toString(StandardCharsets.UTF_8)).toString();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    @Test
    void existingEscapesAreNotEncodedAgain() {
        assertEquals("\"http://example.org/%22already%20encoded\"", DotStrings.quotedUrl("http://example.org/%22already%20encoded"));
    }
}
