package io.rendler.render;

import static io.rendler.render.RenderHandlerTest.OFFLINE;
import static io.rendler.render.RenderHandlerTest.assertSucceeded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rendler.common.Boundary;
import io.rendler.common.PageLimits;
import io.rendler.common.RenderResult;
import io.rendler.common.ScreenshotNames;
import io.rendler.common.TaskRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes on purpose: a killed renderer and a killed browser, each while a page is loading, then a
 * browser killed while idle; then a long run that must move to a new renderer. One slot, so there is
 * exactly one browser to kill.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(90)
class RenderRecoveryTest {

    /** Long enough that a result within it cannot be the timeout. */
    private static final PageLimits PATIENT = new PageLimits(30_000, 1 << 20, 5, 1280, 800, PageLimits.DEFAULT_USER_AGENT);

    @TempDir
    static Path screenshots;

    private TestSite site;
    private RenderHandler handler;
    private final AtomicInteger taskIds = new AtomicInteger();

    @BeforeAll
    void start() throws IOException {
        site = new TestSite();
        handler = new RenderHandler(RenderSettings.defaults(screenshots).withParallelism(1).withExtraChromiumArgs(OFFLINE));
    }

    @AfterAll
    void stop() {
        if (handler != null) handler.close();
        if (site != null) site.close();
    }

    @Test
    @Order(1)
    void aCrashedRendererIsAnErrorForThatPageAndTheNextPageRenders() throws Exception {
        CompletableFuture<RenderResult> loading = renderInBackground(site.url("/waits-for-image.html"));
        assertTrue(site.awaitRequest("/hang.png", 20, TimeUnit.SECONDS), "page never asked for its image");

        List<ProcessHandle> renderers = ChromiumProcesses.renderers();
        assertFalse(renderers.isEmpty(), "no renderer process found");
        renderers.forEach(ProcessHandle::destroyForcibly);
        RenderResult crashed = loading.get(20, TimeUnit.SECONDS);

        assertTrue(crashed.failed());
        assertTrue(crashed.error().startsWith("renderer crashed"), crashed.error());
        assertSucceeded(render(site.url("/page.html?after-renderer-crash")));
    }

    @Test
    @Order(2)
    void aKilledBrowserIsAnErrorForThatPageAndIsStartedAgainForTheNext() throws Exception {
        List<ProcessHandle> browsers = ChromiumProcesses.browsers();
        assertEquals(1, browsers.size(), "one slot, one browser: " + browsers);
        CompletableFuture<RenderResult> loading = renderInBackground(site.url("/waits-for-image.html?kill-browser"));
        assertTrue(site.awaitRequest("/hang.png", 20, TimeUnit.SECONDS), "page never asked for its image");

        ChromiumProcesses.killTree(browsers.get(0));
        RenderResult killed = loading.get(20, TimeUnit.SECONDS);

        assertTrue(killed.failed());
        assertTrue(killed.error().startsWith("browser exited"), killed.error());
        assertSucceeded(render(site.url("/page.html?after-browser-kill")));
        List<ProcessHandle> restarted = ChromiumProcesses.browsers();
        assertEquals(1, restarted.size());
        assertNotEquals(browsers.get(0).pid(), restarted.get(0).pid());
    }

    @Test
    @Order(3)
    void aBrowserKilledWhileIdleCostsAtMostOnePage() throws Exception {
        ProcessHandle browser = ChromiumProcesses.browsers().get(0);
        ChromiumProcesses.killTree(browser);
        browser.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS); // dead before the next render asks for it

        RenderResult first = render(site.url("/page.html?first-after-idle-kill"));
        RenderResult second = render(site.url("/page.html?second-after-idle-kill"));

        if (first.failed()) assertTrue(first.error().startsWith("browser exited"), first.error());
        assertSucceeded(second);
    }

    @Test
    @Order(4)
    void aLongRunMovesToANewRendererAndLeavesNoOldOnesBehind() throws Exception {
        render(site.url("/page.html?before-long-run"));
        List<Long> before = pids(ChromiumProcesses.renderers());

        for (int i = 0; i < RenderSlot.RENDERS_PER_PAGE; i++) {
            assertSucceeded(render(site.url("/page.html?long-run=" + i)));
        }

        List<Long> after = pids(ChromiumProcesses.renderers());
        assertFalse(after.isEmpty());
        assertTrue(after.stream().noneMatch(before::contains), "renderers before " + before + ", after " + after);
        assertTrue(after.size() <= before.size(), "renderers before " + before + ", after " + after);
    }

    @Test
    @Order(5)
    void closeEndsEveryChromiumProcessAndRefusesFurtherTasks() throws Exception {
        handler.close();

        assertEquals(List.of(), ChromiumProcesses.awaitNone(10));
        assertThrows(IllegalStateException.class, () -> render(site.url("/page.html?after-close")));
    }

    private static List<Long> pids(List<ProcessHandle> processes) {
        return processes.stream().map(ProcessHandle::pid).toList();
    }

    private CompletableFuture<RenderResult> renderInBackground(String url) {
        CompletableFuture<RenderResult> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(render(url));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "render-in-background");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    private RenderResult render(String url) throws Exception {
        String taskId = "render-" + taskIds.incrementAndGet();
        return handler.handle(TaskRequest.render(taskId, url, PATIENT, ScreenshotNames.forUrl(url), null, Boundary.unrestricted())).render();
    }
}
