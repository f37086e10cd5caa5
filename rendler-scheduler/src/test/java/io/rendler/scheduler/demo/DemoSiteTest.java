package io.rendler.scheduler.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rendler.scheduler.graph.GraphSnapshot;
import io.rendler.scheduler.graph.Link;
import io.rendler.scheduler.graph.PageRecord;
import io.rendler.scheduler.graph.PageStatus;
import io.rendler.scheduler.graph.RunSummary;
import io.rendler.scheduler.output.GraphvizRenderer;
import io.rendler.scheduler.output.OutputWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoSiteTest {

    private static DemoSite site;
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeAll
    static void start() throws IOException {
        site = DemoSite.start();
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    private static HttpResponse<byte[]> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(site.baseUrl() + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(5))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    @Test
    void servesOnLoopbackAtTheBaseUrl() {
        assertTrue(site.port() > 0);
        assertEquals("http://127.0.0.1:" + site.port() + "/", site.baseUrl());
        assertEquals(site.baseUrl() + "index.html", site.startUrl());
        assertEquals("true", System.getProperty("sun.net.httpserver.nodelay"));
    }

    @Test
    void servesEveryIndexedFileWithItsBytesAndContentType() throws Exception {
        Map<String, String> expectedTypes = Map.of(
                "html", "text/html; charset=utf-8", "css", "text/css; charset=utf-8",
                "png", "image/png", "svg", "image/svg+xml", "pdf", "application/pdf",
                "txt", "text/plain; charset=utf-8");
        SiteLinks files = SiteLinks.load();
        assertEquals(DemoSite.readIndex(), site.files());
        for (Map.Entry<String, byte[]> file : files.files.entrySet()) {
            HttpResponse<byte[]> response = send("GET", file.getKey());
            assertEquals(200, response.statusCode(), file.getKey());
            String extension = file.getKey().substring(file.getKey().lastIndexOf('.') + 1);
            assertEquals(expectedTypes.get(extension), contentType(response), file.getKey());
            assertArrayEquals(file.getValue(), response.body(), file.getKey());
        }
    }

    @Test
    void theRootAndDirectoriesServeTheirIndexPage() throws Exception {
        byte[] index = send("GET", "index.html").body();
        assertArrayEquals(index, send("GET", "").body());
        assertArrayEquals(send("GET", "lines/index.html").body(), send("GET", "lines/").body());
    }

    @Test
    void missingFilesAndEscapesAre404() throws Exception {
        for (String path : List.of("no-such-page.html", "lines/green/index.html", "INDEX", "../pom.xml",
                "%2e%2e/%2e%2e/pom.xml", "images/")) {
            HttpResponse<byte[]> response = send("GET", path);
            assertEquals(404, response.statusCode(), path);
            assertEquals("text/html; charset=utf-8", contentType(response), path);
        }
    }

    @Test
    void headHasNoBodyAndOtherMethodsAreRefused() throws Exception {
        HttpResponse<byte[]> head = send("HEAD", "fares.html");
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        assertEquals("text/html; charset=utf-8", contentType(head));
        HttpResponse<byte[]> post = send("POST", "fares.html");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void eachSiteGetsItsOwnPortAndClosingFreesIt() throws Exception {
        int port;
        try (DemoSite other = DemoSite.start()) {
            port = other.port();
            assertNotEquals(site.port(), port);
        }
        try (DemoSite again = DemoSite.start(port)) {
            assertEquals(port, again.port());
            assertEquals(200, HTTP.send(HttpRequest.newBuilder(URI.create(again.baseUrl())).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        }
    }

    /**
     * Crawls the served site the way rendler would, breadth-first from the root, and checks
     * that what comes over HTTP is the site the content tests describe.
     */
    @Test
    void aCrawlOverHttpFindsEveryPageTheBrokenLinksAndTheDownloads() throws Exception {
        Map<String, PageRecord> pages = crawl();
        SiteLinks expected = SiteLinks.load();
        for (String page : expected.pages.keySet()) {
            assertEquals(PageStatus.CRAWLED, pages.get(urlOf(page)).status(), page);
        }
        for (String broken : expected.brokenTargets()) {
            PageRecord record = pages.get(urlOf(broken));
            assertEquals(404, record.httpStatus(), broken);
        }
        long downloads = pages.values().stream().filter(p -> p.status() == PageStatus.NOT_HTML).count();
        assertTrue(downloads >= 4, downloads + " non-HTML targets");
        assertTrue(pages.values().stream().mapToInt(PageRecord::depth).max().orElseThrow() >= 4);
        assertEquals(expected.pages.size() + expected.brokenTargets().size() + downloads, pages.size(),
                "starting at startUrl(), every page is met under one URL");
    }

    /** Its graph is small and friendly enough for Graphviz's dot, which is the picture a workshop wants. */
    @Test
    void theCrawledGraphIsDrawnByDot(@TempDir Path out) throws Exception {
        Assumptions.assumeTrue(GraphvizRenderer.findOnPath("dot").isPresent(), "Graphviz dot is not installed");
        List<Link> links = new ArrayList<>();
        Map<String, PageRecord> pages = crawl(links);
        GraphSnapshot snapshot = new GraphSnapshot(List.copyOf(pages.values()), links);
        RunSummary summary = new RunSummary(site.startUrl(), pages.size(), 0, 0, links.size(), Duration.ofSeconds(1), "complete");
        long start = System.nanoTime();
        OutputWriter.Written written = new OutputWriter().write(out, snapshot, summary);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("demo site: %d pages, %d links; %s (%d ms for all outputs)%n",
                pages.size(), links.size(), written.graphvizNote(), millis);
        assertTrue(written.graph().produced(), written.graphvizNote());
        assertTrue(written.graphvizNote().startsWith("graph.svg drawn by dot"), written.graphvizNote());
    }

    private static String urlOf(String path) {
        return site.baseUrl() + path;
    }

    private static Map<String, PageRecord> crawl() throws Exception {
        return crawl(new ArrayList<>());
    }

    /** A small breadth-first crawl with the JDK client and jsoup; links between known pages go to {@code links}. */
    private static Map<String, PageRecord> crawl(List<Link> links) throws Exception {
        Map<String, PageRecord> pages = new LinkedHashMap<>();
        Map<String, Integer> depth = new LinkedHashMap<>();
        List<Link> found = new ArrayList<>();
        Deque<String> queue = new ArrayDeque<>();
        depth.put(site.startUrl(), 0);
        queue.add(site.startUrl());
        while (!queue.isEmpty()) {
            String url = queue.poll();
            HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            String type = contentType(response);
            boolean html = type.startsWith("text/html");
            PageStatus status = response.statusCode() != 200 ? PageStatus.CRAWL_FAILED
                    : html ? PageStatus.CRAWLED : PageStatus.NOT_HTML;
            pages.put(url, new PageRecord(url, depth.get(url), status, url, response.statusCode(),
                    type.split(";")[0], null, status == PageStatus.CRAWL_FAILED ? "HTTP " + response.statusCode() : null,
                    false, 1, 0, 1, 0));
            if (status != PageStatus.CRAWLED) continue;
            var doc = Jsoup.parse(new String(response.body(), StandardCharsets.UTF_8), url);
            for (Element a : doc.select("a[href]")) {
                String target = a.absUrl("href").replaceFirst("#.*$", "");
                if (!depth.containsKey(target)) {
                    depth.put(target, depth.get(url) + 1);
                    queue.add(target);
                }
                found.add(new Link(url, target));
            }
        }
        links.addAll(found);
        return pages;
    }
}
