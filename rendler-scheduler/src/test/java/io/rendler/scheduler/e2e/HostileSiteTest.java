package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rendler.crawl.testsite.HostileSite;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input end to end: hanging, huge, looping and broken pages, a crawler trap and a page that
 * never finishes loading in a browser. The run must end within a bound, go on past each failure,
 * and report each one with its reason.
 */
class HostileSiteTest {

    private static HostileSite site;

    @BeforeAll
    static void serve() throws Exception {
        site = HostileSite.start();
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    private static Map<String, JsonObject> pages(Path out) throws Exception {
        JsonObject root = JsonParser.parseString(Files.readString(out.resolve("pages.json"))).getAsJsonObject();
        Map<String, JsonObject> byUrl = new HashMap<>();
        for (JsonElement page : root.getAsJsonArray("pages")) byUrl.put(page.getAsJsonObject().get("url").getAsString(), page.getAsJsonObject());
        return byUrl;
    }

    private static boolean timedOut(JsonObject page) {
        String error = field(page, "error");
        return error != null && (error.contains("timeout") || error.contains("timed out"));
    }

    private static String field(JsonObject page, String name) {
        JsonElement value = page.get(name);
        return value == null || value.isJsonNull() ? null : value.getAsString();
    }

    @Test
    void everyFailureIsReportedAndTheRunEndsInBoundedTime(@TempDir Path out) throws Exception {
        Rendler.Run run = Rendler.run("--output", out.toString(), "--page-timeout", "3s", "--max-page-size", "1MB",
                "--max-pages", "60", "--max-depth", "30", "--max-redirects", "5", site.url("/"));
        assertEquals(0, run.exitCode(), run.output());
        // Every hang is cut at 3 s and fetches run in parallel; 90 s is a generous bound on a busy 2-core box.
        assertTrue(run.millis() < 90_000, "took " + run.millis() + " ms");

        Map<String, JsonObject> pages = pages(out);
        assertEquals("CRAWL_FAILED", field(pages.get(site.url("/404")), "status"));
        assertEquals("HTTP 404", field(pages.get(site.url("/404")), "error"));
        assertEquals("HTTP 500", field(pages.get(site.url("/500")), "error"));
        assertTrue(timedOut(pages.get(site.url("/slow-body"))), pages.get(site.url("/slow-body")).toString());
        assertTrue(timedOut(pages.get(site.url("/hang"))), pages.get(site.url("/hang")).toString());
        assertTrue(field(pages.get(site.url("/redirect-loop/a")), "error").contains("redirect"), pages.get(site.url("/redirect-loop/a")).toString());
        assertTrue(pages.get(site.url("/huge")).get("truncated").getAsBoolean());
        // The crawl is cut at 1 MB and succeeds; the browser may or may not load all 50 MB in 3 s.
        assertNotEquals("CRAWL_FAILED", field(pages.get(site.url("/huge")), "status"), "a cut page is still a page");
        assertEquals("NOT_HTML", field(pages.get(site.url("/image.png")), "status"));
        assertEquals("NOT_HTML", field(pages.get(site.url("/doc.pdf")), "status"));
        assertEquals("RENDER_FAILED", field(pages.get(site.url("/render-hang")), "status"));
        assertTrue(timedOut(pages.get(site.url("/render-hang"))), pages.get(site.url("/render-hang")).toString());
        assertEquals("RENDERED", field(pages.get(site.url("/")), "status"));
        assertEquals(60, pages.size(), "the trap is stopped by the page limit");
        assertTrue(run.stdout().contains("page limit 60 reached"), run.stdout());
        assertTrue(Files.exists(out.resolve("rendler.dot")) && Files.exists(out.resolve("report.html")));
    }

    @Test
    void aMalformedStartUrlIsAOneLineErrorAndExitCode2() throws Exception {
        for (String bad : new String[] {"htp:/nowhere", "example.org", "http://"}) {
            Rendler.Run run = Rendler.run("--no-render", bad);
            assertEquals(2, run.exitCode(), run.output());
            assertEquals(1, run.stderr().strip().lines().count(), run.output());
            assertTrue(run.stderr().startsWith("rendler: "), run.output());
        }
    }

    @Test
    void aDeadStartHostStillWritesTheOutputsAndExits3(@TempDir Path out) throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        Rendler.Run run = Rendler.run("--output", out.toString(), "--no-render", "http://127.0.0.1:" + deadPort + "/");
        assertEquals(3, run.exitCode(), run.output());
        assertTrue(run.stderr().contains("the start page failed"), run.output());
        assertTrue(run.stderr().toLowerCase().contains("refused"), run.output());
        assertTrue(Files.exists(out.resolve("rendler.dot")));
        assertEquals(1, DotGraph.parse(out.resolve("rendler.dot")).nodes().size());
    }

    @Test
    void badOptionValuesAreOneLineErrors() throws Exception {
        Rendler.Run run = Rendler.run("--viewport", "huge", site.url("/"));
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.stderr().contains("WIDTHxHEIGHT"), run.output());
    }
}
