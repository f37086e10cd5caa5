package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** robots.txt, its Crawl-delay, Retry-After and the User-Agent, end to end in local mode with real Chromium, seen from the server. */
class PolitenessTest {

    private static final long CRAWL_DELAY_NANOS = 500_000_000L;

    private PoliteSite site;

    @BeforeEach
    void serve() throws Exception {
        site = PoliteSite.start();
    }

    @AfterEach
    void stop() {
        site.close();
    }

    @Test
    void robotsTxtIsObeyedItsCrawlDelayHoldsA429IsRetriedAndEveryRequestNamesRendler(@TempDir Path out) throws Exception {
        Rendler.Run run = Rendler.run("--output", out.toString(), site.url("/"));
        assertEquals(0, run.exitCode(), run.output());
        List<PoliteSite.Request> requests = site.requests();
        String log = requests.stream().map(r -> r.path() + (r.fromBrowser() ? " (browser)" : "")).collect(Collectors.joining(", "));

        assertEquals(1, requests.stream().filter(r -> r.path().equals("/robots.txt")).count(), "robots.txt once: " + log);
        assertEquals("/robots.txt", requests.get(0).path(), "robots.txt before any page: " + log);
        assertTrue(requests.stream().noneMatch(r -> r.path().startsWith("/private/")), "disallowed paths were requested: " + log);

        List<PoliteSite.Request> pages = requests.stream().filter(r -> !r.path().equals("/robots.txt")).toList();
        for (int i = 1; i < pages.size(); i++) {
            long gap = pages.get(i).arrivedNanos() - pages.get(i - 1).arrivedNanos();
            assertTrue(gap >= CRAWL_DELAY_NANOS, "only " + gap / 1_000_000 + " ms between " + pages.get(i - 1).path() + " and "
                    + pages.get(i).path() + ", under the Crawl-delay of 500 ms: " + log);
        }

        List<PoliteSite.Request> retries = pages.stream().filter(r -> r.path().equals("/retry") && !r.fromBrowser()).toList();
        assertEquals(2, retries.size(), "the 429 page is crawled twice: " + log);
        assertTrue(retries.get(1).arrivedNanos() - retries.get(0).arrivedNanos() >= 1_000_000_000L, "the second crawl waited out Retry-After: 1");

        Set<String> agents = requests.stream().map(PoliteSite.Request::userAgent).collect(Collectors.toSet());
        assertEquals(1, agents.size(), "one User-Agent from the robots.txt fetch, the crawler and the browser: " + agents);
        String agent = agents.iterator().next();
        assertTrue(agent.matches("Rendler/\\S+ \\(\\+https://\\S+\\)"), agent);
        assertTrue(requests.stream().anyMatch(PoliteSite.Request::fromBrowser), "the browser's requests are in the log: " + log);

        Map<String, JsonObject> byUrl = pages(out);
        for (String skipped : List.of("/private/secret", "/private/other")) {
            JsonObject page = byUrl.get(site.url(skipped));
            assertEquals("SKIPPED_ROBOTS", field(page, "status"), page.toString());
            assertEquals("disallowed by robots.txt", field(page, "error"), page.toString());
        }
        JsonObject retried = byUrl.get(site.url("/retry"));
        assertEquals("RENDERED", field(retried, "status"), retried.toString());
        assertEquals(2, retried.get("crawl_attempts").getAsInt(), retried.toString());
        assertTrue(run.stdout().contains(" 0 failed"), run.stdout());
        assertTrue(run.stdout().contains("2 pages skipped by robots.txt"), run.stdout());
        assertTrue(Files.readString(out.resolve("report.html")).contains("SKIPPED_ROBOTS"), "the report shows the skipped pages");
    }

    @Test
    void ignoreRobotsAndExcludeAndACustomUserAgent(@TempDir Path out) throws Exception {
        Rendler.Run run = Rendler.run("--output", out.toString(), "--no-render", "--ignore-robots", "--exclude", "**/b",
                "--user-agent", "PoliteTest/2.0 (+https://example.org/bot)", site.url("/"));
        assertEquals(0, run.exitCode(), run.output());
        List<PoliteSite.Request> requests = site.requests();
        Set<String> paths = requests.stream().map(PoliteSite.Request::path).collect(Collectors.toSet());

        assertFalse(paths.contains("/robots.txt"), paths.toString());
        assertTrue(paths.contains("/private/secret") && paths.contains("/private/other"), paths.toString());
        assertFalse(paths.contains("/b"), "--exclude **/b: " + paths);
        assertEquals(Set.of("PoliteTest/2.0 (+https://example.org/bot)"),
                requests.stream().map(PoliteSite.Request::userAgent).collect(Collectors.toSet()));
    }

    private static Map<String, JsonObject> pages(Path out) throws Exception {
        JsonObject root = JsonParser.parseString(Files.readString(out.resolve("pages.json"))).getAsJsonObject();
        Map<String, JsonObject> byUrl = new LinkedHashMap<>();
        for (JsonElement page : root.getAsJsonArray("pages")) byUrl.put(page.getAsJsonObject().get("url").getAsString(), page.getAsJsonObject());
        return byUrl;
    }

    private static String field(JsonObject page, String name) {
        JsonElement value = page.get(name);
        return value == null || value.isJsonNull() ? null : value.getAsString();
    }
}
