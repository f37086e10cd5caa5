package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chromium killed with SIGKILL, again and again at random moments during a crawl, as the kernel's
 * OOM killer would: the browser's main process and all its helpers at once, whether a page is
 * loading, a tab is being set up or the browser is starting. Every run must end, with its outputs,
 * and every page's render either succeeded (perhaps on a retry) or failed with a reason; nothing of
 * the killed browsers may be left running or on disk.
 */
class BrowserKillTest {

    private static final int KILLS = 6;
    private static SlowImageSite site;

    @BeforeAll
    static void serve() throws Exception {
        site = new SlowImageSite(18, Duration.ofMillis(500));
    }

    @AfterAll
    static void stop() throws Exception {
        site.close();
    }

    @RepeatedTest(3)
    void killingTheBrowserRepeatedlyNeverHangsARunAndEveryRenderEndsWithAReason(@TempDir Path out) throws Exception {
        Path results = out.resolve("run");
        Process rendler = Rendler.start(out.resolve("stdout.txt"), out.resolve("stderr.txt"),
                "--output", results.toString(), "--max-pages", "100", "--page-timeout", "10s", site.startUrl());
        int imagesBefore = site.imageRequests();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (site.imageRequests() == imagesBefore && rendler.isAlive() && System.nanoTime() < deadline) {
            rendler.waitFor(50, TimeUnit.MILLISECONDS);
        }
        assertTrue(site.imageRequests() > imagesBefore, "no page was ever loading");

        Set<Long> drivers = new HashSet<>();
        List<ProcessHandle> killed = new ArrayList<>();
        for (int kill = 0; kill < KILLS && rendler.isAlive(); kill++) {
            RunProcesses.drivers(rendler).forEach(driver -> drivers.add(driver.pid()));
            List<ProcessHandle> chromium = RunProcesses.chromium(rendler);
            chromium.forEach(ProcessHandle::destroyForcibly);
            killed.addAll(chromium);
            rendler.waitFor(ThreadLocalRandom.current().nextLong(150, 900), TimeUnit.MILLISECONDS);
        }
        RunProcesses.drivers(rendler).forEach(driver -> drivers.add(driver.pid()));
        boolean ended = rendler.waitFor(120, TimeUnit.SECONDS);
        String err = Files.readString(out.resolve("stderr.txt"), StandardCharsets.UTF_8);
        if (!ended) rendler.destroyForcibly();

        assertTrue(ended, "rendler hung after its browsers were killed:\n" + err);
        assertEquals(0, rendler.exitValue(), err);
        assertFalse(killed.isEmpty(), "no Chromium was found to kill:\n" + err);
        for (String file : List.of("rendler.dot", "report.html", "pages.json")) {
            assertTrue(Files.exists(results.resolve(file)), file + " missing:\n" + err);
        }
        int hitByKills = 0;
        for (JsonElement element : JsonParser.parseString(Files.readString(results.resolve("pages.json"))).getAsJsonObject()
                .getAsJsonArray("pages")) {
            JsonObject page = element.getAsJsonObject();
            String status = page.get("status").getAsString();
            assertTrue(status.equals("RENDERED") || status.equals("RENDER_FAILED"), page.toString());
            if (status.equals("RENDER_FAILED")) assertFalse(page.get("error").getAsString().isBlank(), page.toString());
            if (status.equals("RENDER_FAILED") || page.get("render_attempts").getAsInt() > 1) hitByKills++;
        }
        assertTrue(hitByKills > 0, "no render was retried or failed: the kills missed every page in flight");
        assertTrue(RunProcesses.awaitGone(killed), "killed Chromium processes still running");
        assertEquals(List.of(), RunProcesses.driverDirectories(Path.of(System.getProperty("java.io.tmpdir")), List.copyOf(drivers)),
                "drivers' temporary directories (browser profiles) left behind");
    }
}
