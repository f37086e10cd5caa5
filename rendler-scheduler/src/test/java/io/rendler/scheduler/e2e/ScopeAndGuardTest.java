package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rendler.crawl.testsite.EscapeSite;
import io.rendler.scheduler.output.GraphvizRenderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site that tries every way out, end to end in local mode with real Chromium, and an internal
 * service on another port of the same machine that no crawler or browser request may reach.
 */
class ScopeAndGuardTest {

    /** The escapes that move the page itself; each must fail its render, naming the internal server. */
    private static final List<String> TOP_LEVEL_ESCAPES = List.of("/js-redirect", "/meta-refresh", "/after-load", "/cloaked");

    private EscapeSite site;

    @BeforeEach
    void serve() throws Exception {
        site = EscapeSite.start();
    }

    @AfterEach
    void stop() {
        site.close();
    }

    @Test
    void withTheDefaultScopeNoRequestReachesTheInternalServer(@TempDir Path out) throws Exception {
        Rendler.Run run = Rendler.run("--output", out.toString(), "--page-timeout", "10s", site.url("/"));
        assertEquals(0, run.exitCode(), run.output());

        assertEquals(List.of(), site.internalRequests(), "requests that reached the internal server");
        Map<String, JsonObject> pages = pages(out);
        for (String escape : TOP_LEVEL_ESCAPES) {
            JsonObject page = pages.get(site.url(escape));
            assertEquals("RENDER_FAILED", field(page, "status"), escape + ": " + page);
            assertTrue(field(page, "error").contains("out of scope to " + site.internalBaseUrl() + "/"), escape + ": " + page);
        }
        JsonObject offHost = pages.get(site.url("/redirect-off-host"));
        assertEquals("CRAWL_FAILED", field(offHost, "status"), offHost.toString());
        assertTrue(field(offHost, "error").contains("out of scope to " + site.internalBaseUrl() + "/redirected"), offHost.toString());
        for (String blockedInside : List.of("/popup", "/iframe", "/subresources")) {
            assertEquals("RENDERED", field(pages.get(site.url(blockedInside)), "status"), blockedInside + ": " + pages.get(site.url(blockedInside)));
        }
        assertFalse(pages.containsKey(site.internalBaseUrl() + "/linked"), "the internal link is out of scope");
    }

    @Test
    void withAnyHostInScopeTheGuardStillKeepsEveryRequestAway(@TempDir Path out) throws Exception {
        Rendler.Run run = Rendler.run("--output", out.toString(), "--no-same-host", "--page-timeout", "10s", site.url("/"));
        assertEquals(0, run.exitCode(), run.output());

        assertEquals(List.of(), site.internalRequests(), "requests that reached the internal server");
        Map<String, JsonObject> pages = pages(out);
        String internalHost = site.internalBaseUrl().substring("http://".length());
        JsonObject linked = pages.get(site.internalBaseUrl() + "/linked");
        assertEquals("CRAWL_FAILED", field(linked, "status"), linked.toString());
        assertTrue(field(linked, "error").startsWith("blocked " + internalHost + ": 127.0.0.1 is a private"), linked.toString());
        assertTrue(field(pages.get(site.url("/redirect-off-host")), "error").contains("blocked " + internalHost),
                pages.get(site.url("/redirect-off-host")).toString());
        for (String escape : TOP_LEVEL_ESCAPES) {
            JsonObject page = pages.get(site.url(escape));
            assertEquals("RENDER_FAILED", field(page, "status"), escape + ": " + page);
            assertTrue(field(page, "error").contains(site.internalBaseUrl() + "/"), escape + ": " + page);
        }
    }

    @Test
    void allowPrivateLiftsTheGuard(@TempDir Path out) throws Exception {
        Rendler.Run run = Rendler.run("--output", out.toString(), "--no-same-host", "--allow-private", "--no-render", site.url("/"));
        assertEquals(0, run.exitCode(), run.output());

        assertTrue(site.internalRequests().contains("GET /linked"), site.internalRequests().toString());
        assertEquals("CRAWLED", field(pages(out).get(site.internalBaseUrl() + "/linked"), "status"));
    }

    @Test
    void compressedPagesInScopeNavigationAndAHugeLinkAllComeOut(@TempDir Path out) throws Exception {
        Rendler.Run run = Rendler.run("--output", out.toString(), "--page-timeout", "10s", site.url("/"));
        assertEquals(0, run.exitCode(), run.output());

        Map<String, JsonObject> pages = pages(out);
        assertEquals("RENDERED", field(pages.get(site.url("/gzip")), "status"), pages.get(site.url("/gzip")).toString());
        assertTrue(pages.containsKey(site.url("/gzip/a")) && pages.containsKey(site.url("/gzip/b")), "links of the gzip page: " + pages.keySet());

        JsonObject moved = pages.get(site.url("/moves-in-scope"));
        assertEquals("RENDERED", field(moved, "status"), moved.toString());
        assertEquals(site.url("/landed"), field(moved, "final_url"), moved.toString());
        assertTrue(Files.readString(out.resolve("report.html")).contains(site.url("/landed")), "the report shows the final URL");

        assertTrue(pages.containsKey(site.longLink()), "pages.json keeps the long URL whole");
        if (GraphvizRenderer.findOnPath("dot").isPresent()) {
            assertTrue(Files.isRegularFile(out.resolve("graph.svg")), "graph.svg drawn despite the long link:\n" + run.output());
        }
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
