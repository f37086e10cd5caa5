package io.rendler.scheduler.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo site has what a workshop crawl needs to show, checked by parsing its pages. */
class DemoSiteContentTest {

    private static final Path SOURCE_DIR = Path.of("src/main/resources/demo-site");

    private static SiteLinks site;

    @BeforeAll
    static void load() {
        site = SiteLinks.load();
    }

    @Test
    void indexListsExactlyTheFilesInTheDirectory() throws IOException {
        Set<String> onDisk;
        try (Stream<Path> files = Files.walk(SOURCE_DIR)) {
            onDisk = files.filter(Files::isRegularFile)
                    .map(p -> SOURCE_DIR.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.equals(DemoSite.INDEX))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        List<String> index = DemoSite.readIndex();
        assertEquals(List.copyOf(onDisk), index, "demo-site/INDEX is out of date; regenerate it with: "
                + "cd rendler-scheduler/src/main/resources/demo-site && find . -type f ! -name INDEX "
                + "| sed 's|^./||' | LC_ALL=C sort > INDEX");
    }

    @Test
    void atLeastThirtyStyledPagesWithDistinctAccents() {
        assertTrue(site.pages.size() >= 30, site.pages.size() + " pages");
        Set<String> accents = new HashSet<>();
        for (Map.Entry<String, Document> page : site.pages.entrySet()) {
            Document doc = page.getValue();
            Element css = doc.selectFirst("link[rel=stylesheet]");
            assertTrue(css != null, page.getKey() + " has a stylesheet");
            assertEquals("css/site.css", SiteLinks.resolve(css, "href"), page.getKey());
            assertFalse(doc.title().isBlank(), page.getKey() + " has a title");
            assertTrue(doc.select("main p:not(.crumbs)").text().length() > 100, page.getKey() + " has real content");
            String accent = doc.body().className();
            assertTrue(accent.startsWith("accent-"), page.getKey() + " picks an accent");
            assertTrue(new String(site.files.get("css/site.css"), java.nio.charset.StandardCharsets.UTF_8).contains("body." + accent + " "),
                    accent + " is defined in the stylesheet");
            accents.add(accent);
        }
        assertTrue(accents.size() >= 6, "accents: " + accents);
    }

    @Test
    void imagesArePresentAndBothPngAndSvg() {
        Set<String> images = new TreeSet<>();
        for (Map.Entry<String, Document> page : site.pages.entrySet()) {
            for (Element img : page.getValue().select("img[src]")) {
                String src = SiteLinks.resolve(img, "src");
                assertTrue(site.files.containsKey(src), page.getKey() + " shows missing image " + src);
                images.add(src);
            }
        }
        assertTrue(images.size() >= 4, "images: " + images);
        assertTrue(images.stream().anyMatch(i -> i.endsWith(".png")), "a PNG");
        assertTrue(images.stream().anyMatch(i -> i.endsWith(".svg")), "an SVG");
    }

    @Test
    void someLinksAreBroken() {
        Set<String> broken = site.brokenTargets();
        assertTrue(broken.size() >= 3, "broken links: " + broken);
        assertTrue(broken.stream().anyMatch(b -> b.endsWith(".html")), "a missing page");
        assertTrue(broken.stream().anyMatch(b -> !b.endsWith(".html")), "a missing download");
    }

    @Test
    void someLinksLeadToFilesThatAreNotHtml() {
        Set<String> targets = new TreeSet<>();
        site.links.values().forEach(targets::addAll);
        targets.removeIf(t -> t.endsWith(".html") || !site.files.containsKey(t));
        for (String extension : List.of(".pdf", ".txt", ".png", ".svg")) {
            assertTrue(targets.stream().anyMatch(t -> t.endsWith(extension)), "a link to a " + extension + ": " + targets);
        }
    }

    @Test
    void theLoopLineIsACycleOfPages() {
        // Follow each station's "next" link (the last one in its .along paragraph).
        String start = "lines/violet/stations/central.html";
        String page = start;
        Set<String> seen = new HashSet<>();
        do {
            assertTrue(seen.add(page), "came back to " + page + " before the start");
            Element next = site.pages.get(page).select("p.along a").last();
            page = SiteLinks.resolve(next, "href");
        } while (!page.equals(start));
        assertEquals(4, seen.size(), "stations on the loop: " + seen);
    }

    @Test
    void everyPageIsReachableAndSomeAreAtLeastFourLinksDeep() {
        Map<String, Integer> depths = site.depths();
        for (String page : site.pages.keySet()) assertTrue(depths.containsKey(page), page + " is reachable from index.html");
        int deepest = site.pages.keySet().stream().mapToInt(depths::get).max().orElseThrow();
        assertTrue(deepest >= 4, "deepest page is " + deepest + " links from index.html");
        assertTrue(site.pages.keySet().stream().anyMatch(p -> p.split("/").length >= 4), "nested directories");
    }

    @Test
    void theSiteIsSmall() {
        long bytes = site.files.values().stream().mapToLong(b -> b.length).sum();
        assertTrue(bytes < 1_000_000, bytes + " bytes");
    }
}
