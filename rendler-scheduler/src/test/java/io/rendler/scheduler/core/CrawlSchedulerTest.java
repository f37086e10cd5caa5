package io.rendler.scheduler.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rendler.common.CrawlResult;
import io.rendler.common.PageLimits;
import io.rendler.common.RenderResult;
import io.rendler.common.ResultMessage;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import io.rendler.scheduler.graph.GraphSnapshot;
import io.rendler.scheduler.graph.Link;
import io.rendler.scheduler.graph.PageRecord;
import io.rendler.scheduler.graph.PageStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CrawlSchedulerTest {

    private static final String ROOT = "http://site.test/";

    private static CrawlScheduler scheduler(int maxPages, int maxDepth, boolean render) {
        return new CrawlScheduler(new CrawlSettings(ROOT, maxPages, maxDepth, Scope.sameHost(ROOT),
                PageLimits.defaults(), render, 3));
    }

    private static ResultMessage html(TaskRequest task, String... links) {
        return ResultMessage.of(new CrawlResult(task.taskId(), task.url(), task.url(), 200, "text/html", true,
                List.of(links), false, null, 5));
    }

    private static ResultMessage shot(TaskRequest task) {
        return ResultMessage.of(new RenderResult(task.taskId(), task.url(), task.screenshotName(), 1280, 800, 100, null, 7));
    }

    /** Crawls (and renders) until done, answering each crawl from {@code site}. */
    private static void runToEnd(CrawlScheduler s, Function<String, String[]> site) {
        for (int guard = 0; guard < 10_000 && !s.isFinished(); guard++) {
            var crawl = s.nextTask(TaskKind.CRAWL);
            if (crawl.isPresent()) {
                s.onResult(html(crawl.get(), site.apply(crawl.get().url())));
                s.onTaskEnded(crawl.get().taskId(), TaskEnd.FINISHED, null);
                continue;
            }
            var render = s.nextTask(TaskKind.RENDER);
            render.ifPresent(r -> {
                s.onResult(shot(r));
                s.onTaskEnded(r.taskId(), TaskEnd.FINISHED, null);
            });
        }
    }

    private static Map<String, PageRecord> byUrl(GraphSnapshot g) {
        return g.pages().stream().collect(Collectors.toMap(PageRecord::url, p -> p));
    }

    @Test
    void crawlsBreadthFirstAndRendersEachHtmlPageOnce() {
        CrawlScheduler s = scheduler(100, 5, true);
        Map<String, String[]> site = Map.of(
                ROOT, new String[] {ROOT + "a", ROOT + "b"},
                ROOT + "a", new String[] {ROOT + "c", ROOT},
                ROOT + "b", new String[] {ROOT + "c"},
                ROOT + "c", new String[] {});
        List<String> crawlOrder = new ArrayList<>();
        runToEnd(s, url -> {
            crawlOrder.add(url);
            return site.get(url);
        });
        assertEquals(List.of(ROOT, ROOT + "a", ROOT + "b", ROOT + "c"), crawlOrder);
        GraphSnapshot g = s.snapshot();
        assertTrue(g.pages().stream().allMatch(p -> p.status() == PageStatus.RENDERED), g.pages().toString());
        assertEquals(Set.of(new Link(ROOT, ROOT + "a"), new Link(ROOT, ROOT + "b"), new Link(ROOT + "a", ROOT + "c"),
                new Link(ROOT + "a", ROOT), new Link(ROOT + "b", ROOT + "c")), Set.copyOf(g.links()));
        assertEquals("complete", s.outcome());
    }

    @Test
    void differentSpellingsOfOneUrlAreOnePage() {
        CrawlScheduler s = scheduler(100, 5, false);
        runToEnd(s, url -> url.equals(ROOT)
                ? new String[] {"HTTP://SITE.test:80/x#top", "http://site.test/./x", "http://site.test/y/../x", "http://site.test/x"}
                : new String[] {});
        assertEquals(List.of(ROOT, ROOT + "x"), s.snapshot().pages().stream().map(PageRecord::url).toList());
        assertEquals(List.of(new Link(ROOT, ROOT + "x")), s.snapshot().links());
    }

    @Test
    void pageAndDepthLimitsStopATrap() {
        CrawlScheduler s = scheduler(10, 100, false);
        runToEnd(s, url -> new String[] {url + "n/", url + "m/"});
        assertEquals(10, s.snapshot().pages().size());
        assertTrue(s.outcome().contains("page limit 10 reached"), s.outcome());

        CrawlScheduler shallow = scheduler(1000, 2, false);
        runToEnd(shallow, url -> new String[] {url + "n/"});
        assertEquals(List.of(0, 1, 2), shallow.snapshot().pages().stream().map(PageRecord::depth).toList());
        assertTrue(shallow.outcome().contains("depth limit 2 reached"), shallow.outcome());
    }

    @Test
    void outOfScopeLinksAreNeitherCrawledNorEdges() {
        CrawlScheduler s = scheduler(100, 5, false);
        runToEnd(s, url -> url.equals(ROOT) ? new String[] {"http://other.test/", "http://sub.site.test/", "http://site.test:8080/", "ftp://site.test/"}
                : new String[] {});
        assertEquals(1, s.snapshot().pages().size());
        assertTrue(s.snapshot().links().isEmpty());
    }

    @Test
    void failedTaskIsRetriedThenMarkedFailed() {
        CrawlScheduler s = scheduler(100, 5, true);
        for (int attempt = 1; attempt <= 3; attempt++) {
            TaskRequest t = s.nextTask(TaskKind.CRAWL).orElseThrow();
            assertEquals("crawl-0-" + attempt, t.taskId());
            s.onTaskEnded(t.taskId(), TaskEnd.FAILED, "executor terminated");
        }
        assertTrue(s.isFinished());
        PageRecord root = s.snapshot().pages().get(0);
        assertEquals(PageStatus.CRAWL_FAILED, root.status());
        assertEquals("crawl failed after 3 attempts: executor terminated", root.error());
        assertEquals(1, s.progress().failed());
    }

    @Test
    void finishedWithoutResultIsRetriedAndALateResultStillCounts() {
        CrawlScheduler s = scheduler(100, 5, false);
        TaskRequest first = s.nextTask(TaskKind.CRAWL).orElseThrow();
        s.onTaskEnded(first.taskId(), TaskEnd.FINISHED, null); // message dropped
        TaskRequest second = s.nextTask(TaskKind.CRAWL).orElseThrow();
        assertEquals(first.url(), second.url());
        s.onResult(html(first, ROOT + "late")); // the first attempt's message turns up after all
        s.onResult(html(second, ROOT + "ignored"));
        s.onTaskEnded(second.taskId(), TaskEnd.FINISHED, null);
        assertEquals(List.of(ROOT, ROOT + "late"), s.snapshot().pages().stream().map(PageRecord::url).toList());
        assertEquals(1, s.progress().crawled());
    }

    @Test
    void duplicateResultsAreHarmless() {
        CrawlScheduler s = scheduler(100, 5, true);
        TaskRequest t = s.nextTask(TaskKind.CRAWL).orElseThrow();
        s.onResult(html(t, ROOT + "a"));
        s.onResult(html(t, ROOT + "a"));
        s.onTaskEnded(t.taskId(), TaskEnd.FINISHED, null);
        s.onTaskEnded(t.taskId(), TaskEnd.FINISHED, null);
        assertEquals(1, s.progress().crawled());
        assertEquals(2, s.progress().admitted());
        assertEquals(1, s.progress().pendingRenders());
    }

    @Test
    void nonHtmlIsALeafWithoutRender() {
        CrawlScheduler s = scheduler(100, 5, true);
        TaskRequest t = s.nextTask(TaskKind.CRAWL).orElseThrow();
        s.onResult(ResultMessage.of(new CrawlResult(t.taskId(), t.url(), t.url(), 200, "application/pdf", false, List.of(), false, null, 1)));
        s.onTaskEnded(t.taskId(), TaskEnd.FINISHED, null);
        assertTrue(s.isFinished());
        assertFalse(s.nextTask(TaskKind.RENDER).isPresent());
        assertEquals(PageStatus.NOT_HTML, s.snapshot().pages().get(0).status());
        assertNull(s.snapshot().pages().get(0).error());
    }

    @Test
    void httpErrorsAreFailedPagesWithTheirReason() {
        CrawlScheduler s = scheduler(100, 5, true);
        TaskRequest t = s.nextTask(TaskKind.CRAWL).orElseThrow();
        s.onResult(ResultMessage.of(new CrawlResult(t.taskId(), t.url(), t.url(), 404, "text/html", true, List.of(), false, null, 1)));
        s.onTaskEnded(t.taskId(), TaskEnd.FINISHED, null);
        PageRecord page = s.snapshot().pages().get(0);
        assertEquals(PageStatus.CRAWL_FAILED, page.status());
        assertEquals("HTTP 404", page.error());
        assertEquals(404, page.httpStatus());
    }

    @Test
    void redirectToAKnownPageBecomesAnEdgeNotASecondRender() {
        CrawlScheduler s = scheduler(100, 5, true);
        TaskRequest root = s.nextTask(TaskKind.CRAWL).orElseThrow();
        s.onResult(html(root, ROOT + "old", ROOT + "new"));
        TaskRequest old = s.nextTask(TaskKind.CRAWL).orElseThrow();
        s.onResult(ResultMessage.of(new CrawlResult(old.taskId(), old.url(), ROOT + "new", 200, "text/html", true,
                List.of(), false, null, 1)));
        GraphSnapshot g = s.snapshot();
        assertEquals(PageStatus.REDIRECTED, byUrl(g).get(ROOT + "old").status());
        assertTrue(g.links().contains(new Link(ROOT + "old", ROOT + "new")));
        assertEquals(1, s.progress().pendingRenders()); // only the root so far; "old" is not rendered
    }

    @Test
    void stopLaunchesNothingNewAndLeavesUnfinishedPagesInTheGraph() {
        CrawlScheduler s = scheduler(100, 5, true);
        TaskRequest root = s.nextTask(TaskKind.CRAWL).orElseThrow();
        s.onResult(html(root, ROOT + "a", ROOT + "b"));
        s.onTaskEnded(root.taskId(), TaskEnd.FINISHED, null);
        TaskRequest a = s.nextTask(TaskKind.CRAWL).orElseThrow();
        s.stop("interrupted");
        assertFalse(s.nextTask(TaskKind.CRAWL).isPresent());
        assertFalse(s.isFinished()); // "a" is still running
        s.onResult(html(a));
        s.onTaskEnded(a.taskId(), TaskEnd.FINISHED, null);
        assertTrue(s.isFinished());
        Map<String, PageRecord> pages = byUrl(s.snapshot());
        assertEquals(PageStatus.UNFINISHED, pages.get(ROOT + "b").status());
        assertEquals(PageStatus.UNFINISHED, pages.get(ROOT).status()); // crawled, never rendered
        assertEquals("stopped before rendering", pages.get(ROOT).error());
        assertTrue(s.outcome().startsWith("interrupted"));
    }

    @Test
    void renderFailureKeepsThePageAndItsLinks() {
        CrawlScheduler s = scheduler(100, 5, true);
        TaskRequest root = s.nextTask(TaskKind.CRAWL).orElseThrow();
        s.onResult(html(root, ROOT + "a"));
        TaskRequest render = s.nextTask(TaskKind.RENDER).orElseThrow();
        assertTrue(render.screenshotName().endsWith(".png"));
        s.onResult(ResultMessage.of(RenderResult.failure(render.taskId(), render.url(), "render timed out after 15s", 15000)));
        PageRecord page = byUrl(s.snapshot()).get(ROOT);
        assertEquals(PageStatus.RENDER_FAILED, page.status());
        assertEquals("render timed out after 15s", page.error());
        assertEquals(1, s.snapshot().links().size());
    }

    @Test
    void resultsOfTheWrongKindOrUnknownTasksAreIgnored() {
        CrawlScheduler s = scheduler(100, 5, true);
        TaskRequest root = s.nextTask(TaskKind.CRAWL).orElseThrow();
        Delivery wrongKind = s.onResult(ResultMessage.of(new RenderResult(root.taskId(), ROOT, "x.png", 1, 1, 1, null, 1)));
        assertEquals(new Delivery(Delivery.Verdict.UNEXPECTED, "a render result for crawl task crawl-0-1"), wrongKind);
        Delivery unknown = s.onResult(ResultMessage.of(new CrawlResult("crawl-99-1", ROOT, ROOT, 200, "text/html", true, List.of(), false, null, 1)));
        assertEquals(new Delivery(Delivery.Verdict.UNEXPECTED, "a result for task crawl-99-1, which was never launched"), unknown);
        assertEquals(0, s.progress().crawled());
        assertEquals(1, s.progress().runningCrawls());
    }

    @Test
    void aStrangersResultForAnotherUrlChangesNothingAndTheTaskIsRetriedAtItsEnd() {
        CrawlScheduler s = scheduler(100, 5, true);
        TaskRequest root = s.nextTask(TaskKind.CRAWL).orElseThrow();
        ResultMessage forged = ResultMessage.of(new CrawlResult(root.taskId(), "http://evil.test/", "http://evil.test/", 200,
                "text/html", true, List.of(ROOT + "planted", "http://evil.test/more"), false, null, 1));
        Delivery dropped = s.onResult(forged);
        assertEquals(Delivery.Verdict.UNEXPECTED, dropped.verdict());
        assertEquals("a result for task crawl-0-1 about http://evil.test/, not " + ROOT, dropped.reason());
        assertEquals(1, s.progress().admitted(), "no page planted");
        s.onTaskEnded(root.taskId(), TaskEnd.FINISHED, dropped.reason()); // its own update carried the same
        List<PageEvent> events = s.drainEvents();
        assertEquals(List.of(new PageEvent(PageEvent.Type.RETRY, ROOT,
                "crawl attempt 1 finished without a usable result: " + dropped.reason())), events);

        TaskRequest again = s.nextTask(TaskKind.CRAWL).orElseThrow();
        assertEquals(Delivery.APPLIED, s.onResult(html(again, ROOT + "a")));
        assertEquals(Delivery.DUPLICATE, s.onResult(html(again, ROOT + "a")));
        s.onTaskEnded(again.taskId(), TaskEnd.FINISHED, null);
        assertEquals(List.of(ROOT, ROOT + "a"), s.snapshot().pages().stream().map(PageRecord::url).toList());
    }

    @Test
    void aRenderResultNamingAnotherScreenshotIsDropped() {
        CrawlScheduler s = scheduler(100, 5, true);
        TaskRequest root = s.nextTask(TaskKind.CRAWL).orElseThrow();
        s.onResult(html(root));
        s.onTaskEnded(root.taskId(), TaskEnd.FINISHED, null);
        TaskRequest render = s.nextTask(TaskKind.RENDER).orElseThrow();
        Delivery dropped = s.onResult(ResultMessage.of(new RenderResult(render.taskId(), render.url(), "../../../etc/passwd", 1, 1, 1, null, 1)));
        assertEquals(Delivery.Verdict.UNEXPECTED, dropped.verdict());
        assertTrue(dropped.reason().contains("naming screenshot ../../../etc/passwd, not " + render.screenshotName()), dropped.reason());
        assertEquals(Delivery.APPLIED, s.onResult(shot(render)));
        assertEquals(render.screenshotName(), s.snapshot().pages().get(0).screenshot());
    }

    @Test
    void aResumeRunsPagesCutShortAgainWithoutCountingTheCutAttempt() {
        CrawlScheduler s = scheduler(100, 5, false);
        TaskRequest root = s.nextTask(TaskKind.CRAWL).orElseThrow();
        s.onResult(html(root, ROOT + "a", ROOT + "b", ROOT + "c"));
        TaskRequest a = s.nextTask(TaskKind.CRAWL).orElseThrow();
        TaskRequest b = s.nextTask(TaskKind.CRAWL).orElseThrow();
        s.stop("interrupted");
        s.onTaskEnded(a.taskId(), TaskEnd.KILLED, "killed"); // the grace period ran out
        // b was still running when the scheduler died; c never started.

        s.resume(false);
        List<String> relaunched = new ArrayList<>();
        runToEnd(s, url -> {
            relaunched.add(url);
            return new String[] {};
        });
        assertEquals(List.of(ROOT + "a", ROOT + "b", ROOT + "c"), relaunched);
        assertEquals("complete", s.outcome());
        assertTrue(s.snapshot().pages().stream().allMatch(p -> p.status() == PageStatus.CRAWLED && p.crawlAttempts() == 1),
                s.snapshot().pages().toString());
        assertFalse(s.runningTaskIds().contains(b.taskId()));
    }

    @Test
    void aResumeThatAdoptsRunningTasksTakesTheirResultsAndLaunchesThemNoMore() {
        CrawlScheduler s = scheduler(100, 5, false);
        TaskRequest root = s.nextTask(TaskKind.CRAWL).orElseThrow();
        s.onResult(html(root, ROOT + "a"));
        s.onTaskEnded(root.taskId(), TaskEnd.FINISHED, null);
        TaskRequest a = s.nextTask(TaskKind.CRAWL).orElseThrow();

        s.resume(true);
        assertEquals(List.of(a), s.runningTasks());
        assertTrue(s.nextTask(TaskKind.CRAWL).isEmpty(), "a is running on Mesos still");
        assertEquals(Delivery.Verdict.APPLIED, s.onResult(html(a)).verdict());
        s.onTaskEnded(a.taskId(), TaskEnd.FINISHED, null);
        assertTrue(s.isFinished());
    }

    @Test
    void linksFoundAfterAStopAreAdmittedSoThatAResumeFollowsThem() {
        CrawlScheduler s = scheduler(100, 5, false);
        TaskRequest root = s.nextTask(TaskKind.CRAWL).orElseThrow();
        s.stop("interrupted");
        s.onResult(html(root, ROOT + "a")); // arrived in the grace period
        assertEquals(List.of(ROOT + "a"), s.admittedSince(1));
        assertEquals(PageStatus.UNFINISHED, byUrl(s.snapshot()).get(ROOT + "a").status());
        s.resume(false);
        assertEquals(ROOT + "a", s.nextTask(TaskKind.CRAWL).orElseThrow().url());
    }
}
