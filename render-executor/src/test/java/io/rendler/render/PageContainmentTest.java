package io.rendler.render;

import static io.rendler.render.RenderHandlerTest.OFFLINE;
import static io.rendler.render.RenderHandlerTest.assertSucceeded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rendler.common.Boundary;
import io.rendler.common.PageLimits;
import io.rendler.common.RenderResult;
import io.rendler.common.ScreenshotNames;
import io.rendler.common.TaskRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a page does stays with that page: memory it grabs, its timers and its own navigations, and
 * a screenshot that could not be written. One slot, so every page shares the tab of the one before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class PageContainmentTest {

    private static final long MEMORY_CAP_MB = 400;
    private static final PageLimits PATIENT = new PageLimits(30_000, 1 << 20, 5, 1280, 800, PageLimits.DEFAULT_USER_AGENT);

    @TempDir
    static Path screenshots;

    private TestSite site;
    private RenderHandler handler;
    private final AtomicInteger taskIds = new AtomicInteger();

    @BeforeAll
    void start() throws IOException {
        site = new TestSite();
        handler = new RenderHandler(RenderSettings.defaults(screenshots).withParallelism(1).withExtraChromiumArgs(OFFLINE)
                .withMemoryCap(MEMORY_CAP_MB));
    }

    @AfterAll
    void stop() {
        if (handler != null) handler.close();
        if (site != null) site.close();
    }

    @Test
    void aPageThatAllocatesWithoutEndFailsAtTheMemoryCapAndTheNextPageRenders() throws Exception {
        long started = System.nanoTime();
        RenderResult hungry = render(site.url("/allocates.html"));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertTrue(hungry.failed(), "the page's load never ends, so it cannot have succeeded");
        assertTrue(hungry.error().contains("more than " + MEMORY_CAP_MB + " MB of memory"), hungry.error());
        assertTrue(tookMillis < PATIENT.timeoutMillis() / 2, "stopped by its deadline, not at the cap: " + tookMillis + " ms");
        assertSucceeded(render(site.url("/page.html?after-allocating")));
    }

    @Test
    void aPageThatReloadsItselfCannotInterruptTheNextPageInTheSameTab() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertSucceeded(render(site.url("/reloads-itself.html?round=" + i)));
            // Slow to answer, so the page before has time to reload itself while this one is on its way.
            assertSucceeded(render(site.url("/late-page.html?round=" + i)));
        }
    }

    @Test
    void aScreenshotThatCannotBeWrittenFailsThePageAndLeavesNoPartialFile() throws Exception {
        String url = site.url("/page.html?disk-full");
        Path partial = screenshots.resolve(ScreenshotNames.forUrl(url) + ".part");
        // Writes to /dev/full fail as on a full disk (ENOSPC).
        Files.createSymbolicLink(partial, Path.of("/dev/full"));

        RenderResult result = render(url);

        assertTrue(result.failed());
        assertTrue(result.error().contains("No space left on device"), result.error());
        try (Stream<Path> files = Files.list(screenshots)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".part")).toList());
        }
    }

    private RenderResult render(String url) throws Exception {
        String taskId = "render-" + taskIds.incrementAndGet();
        return handler.handle(TaskRequest.render(taskId, url, PATIENT, ScreenshotNames.forUrl(url), null, Boundary.unrestricted())).render();
    }
}
