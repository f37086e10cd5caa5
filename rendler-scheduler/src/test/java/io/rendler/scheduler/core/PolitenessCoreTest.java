package io.rendler.scheduler.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rendler.common.CrawlResult;
import io.rendler.common.PageLimits;
import io.rendler.common.RenderResult;
import io.rendler.common.ResultMessage;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import io.rendler.scheduler.graph.PageRecord;
import io.rendler.scheduler.graph.PageStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The core's launch decisions under robots.txt, per-host limits, Retry-After and URL patterns, on a clock the test moves. */
class PolitenessCoreTest {

    private static final String ROOT = "http://a.test/";
    private static final long MS = 1_000_000;

    private final long[] now = {1_000 * MS};

    private CrawlScheduler scheduler(Politeness politeness, boolean render, UrlPatterns patterns) {
        CrawlSettings settings = new CrawlSettings(ROOT, 100, 5, Scope.domains(List.of("a.test", "b.test")), PageLimits.defaults(),
                render, 3).withPoliteness(politeness).withPatterns(patterns);
        return new CrawlScheduler(settings, () -> now[0]);
    }

    private static ResultMessage html(TaskRequest task, String... links) {
        return ResultMessage.of(new CrawlResult(task.taskId(), task.url(), task.url(), 200, "text/html", true, List.of(links), false, null, 1));
    }

    private static void finish(CrawlScheduler s, TaskRequest task, ResultMessage result) {
        assertEquals(Delivery.APPLIED, s.onResult(result));
        s.onTaskEnded(task.taskId(), TaskEnd.FINISHED, null);
    }

    @Test
    void perHostConcurrencyHoldsAcrossCrawlAndRenderAndHostsTakeTurns() {
        CrawlScheduler s = scheduler(new Politeness(false, 2, Duration.ZERO), true, UrlPatterns.all());
        TaskRequest root = s.nextTask(TaskKind.CRAWL).orElseThrow();
        finish(s, root, html(root, ROOT + "1", ROOT + "2", ROOT + "3", "http://b.test/1"));

        TaskRequest render = s.nextTask(TaskKind.RENDER).orElseThrow();
        TaskRequest other = s.nextTask(TaskKind.CRAWL).orElseThrow();
        assertEquals("http://b.test/1", other.url(), "a.test just launched a render, so b.test takes its turn");
        assertEquals(ROOT + "1", s.nextTask(TaskKind.CRAWL).orElseThrow().url());
        assertTrue(s.nextTask(TaskKind.CRAWL).isEmpty(), "a.test is at its limit of 2, a render and a crawl; b.test has no more");
        assertTrue(s.hasQueuedWork(TaskKind.CRAWL));

        s.onResult(ResultMessage.of(new RenderResult(render.taskId(), render.url(), render.screenshotName(), 1280, 800, 100, null, 5)));
        s.onTaskEnded(render.taskId(), TaskEnd.FINISHED, null);
        assertEquals(ROOT + "2", s.nextTask(TaskKind.CRAWL).orElseThrow().url(), "the render's end frees a place");
        assertTrue(s.nextTask(TaskKind.CRAWL).isEmpty());
    }

    @Test
    void withADelayAHostGetsOneTaskAtATimeAndWaitsAfterEachEnd() {
        CrawlScheduler s = scheduler(new Politeness(false, 0, Duration.ofMillis(500)), false, UrlPatterns.all());
        TaskRequest root = s.nextTask(TaskKind.CRAWL).orElseThrow();
        now[0] += 200 * MS;
        finish(s, root, html(root, ROOT + "1", ROOT + "2"));

        assertTrue(s.nextTask(TaskKind.CRAWL).isEmpty(), "the root's crawl ended just now");
        assertEquals(OptionalLong.of(500 * MS), s.nanosUntilReady(TaskKind.CRAWL));
        now[0] += 499 * MS;
        assertTrue(s.nextTask(TaskKind.CRAWL).isEmpty(), "1 ms early");
        assertEquals(OptionalLong.of(MS), s.nanosUntilReady(TaskKind.CRAWL));
        now[0] += MS;
        TaskRequest one = s.nextTask(TaskKind.CRAWL).orElseThrow();
        assertEquals(ROOT + "1", one.url());
        now[0] += 5_000 * MS;
        assertTrue(s.nextTask(TaskKind.CRAWL).isEmpty(), "one at a time: /1 is still in flight");
        assertTrue(s.nanosUntilReady(TaskKind.CRAWL).isEmpty(), "only /1's end can free the host");
        finish(s, one, html(one));
        now[0] += 499 * MS;
        assertTrue(s.nextTask(TaskKind.CRAWL).isEmpty());
        now[0] += MS;
        assertEquals(ROOT + "2", s.nextTask(TaskKind.CRAWL).orElseThrow().url());
    }

    @Test
    void nothingLaunchesBeforeRobotsTxtIsKnownAndDisallowedPagesAreSkippedNotFailed() {
        CrawlScheduler s = scheduler(Politeness.defaults(), true, UrlPatterns.all());
        assertEquals(List.of("http://a.test"), s.drainRobotsRequests());
        assertTrue(s.nextTask(TaskKind.CRAWL).isEmpty(), "robots.txt of a.test is not known yet");
        assertFalse(s.isFinished());
        s.onRobots("http://a.test", rules(url -> !url.contains("/private/"), Duration.ofSeconds(2)));

        TaskRequest root = s.nextTask(TaskKind.CRAWL).orElseThrow();
        finish(s, root, html(root, ROOT + "private/x", ROOT + "open", "http://b.test/"));
        assertEquals(List.of("http://b.test"), s.drainRobotsRequests(), "a new host asks for its robots.txt once");
        now[0] += 2_000 * MS;
        assertEquals(ROOT + "open", s.nextTask(TaskKind.CRAWL).orElseThrow().url(), "private/x is skipped, never launched");
        s.onRobots("http://b.test", rules(url -> true, Duration.ZERO));
        assertEquals("http://b.test/", s.nextTask(TaskKind.CRAWL).orElseThrow().url());
        assertTrue(s.drainRobotsRequests().isEmpty());

        Map<String, PageRecord> pages = s.snapshot().pages().stream().collect(Collectors.toMap(PageRecord::url, p -> p));
        assertEquals(PageStatus.SKIPPED_ROBOTS, pages.get(ROOT + "private/x").status());
        assertEquals("disallowed by robots.txt", pages.get(ROOT + "private/x").error());
        assertEquals(0, s.progress().failed());
        assertTrue(s.outcome().contains("1 page skipped by robots.txt"), s.outcome());
    }

    @Test
    void aCrawlDelayLongerThanTheDelayWins() {
        CrawlScheduler s = scheduler(new Politeness(true, 0, Duration.ofMillis(100)), false, UrlPatterns.all());
        s.onRobots("http://a.test", rules(url -> true, Duration.ofSeconds(1)));
        TaskRequest root = s.nextTask(TaskKind.CRAWL).orElseThrow();
        finish(s, root, html(root, ROOT + "1"));
        now[0] += 999 * MS;
        assertTrue(s.nextTask(TaskKind.CRAWL).isEmpty());
        now[0] += MS;
        assertTrue(s.nextTask(TaskKind.CRAWL).isPresent());
    }

    @Test
    void a429IsCrawledAgainAfterItsRetryAfterAndADuplicateOfItChangesNothing() {
        CrawlScheduler s = scheduler(Politeness.none(), false, UrlPatterns.all());
        TaskRequest first = s.nextTask(TaskKind.CRAWL).orElseThrow();
        ResultMessage tooMany = ResultMessage.of(new CrawlResult(first.taskId(), ROOT, ROOT, 429, "text/html", true, List.of(), false,
                null, 1, 3_000L));
        finish(s, first, tooMany);
        assertEquals(Delivery.DUPLICATE, s.onResult(tooMany), "the same result again, as under Mesos");
        assertTrue(s.nextTask(TaskKind.CRAWL).isEmpty(), "Retry-After: 3 s");
        assertEquals(OptionalLong.of(3_000 * MS), s.nanosUntilReady(TaskKind.CRAWL));
        assertFalse(s.isFinished());
        now[0] += 3_000 * MS;
        TaskRequest second = s.nextTask(TaskKind.CRAWL).orElseThrow();
        assertEquals("crawl-0-2", second.taskId());
        finish(s, second, html(second));
        assertEquals(PageStatus.CRAWLED, s.snapshot().pages().get(0).status());
        assertTrue(s.isFinished());
    }

    @Test
    void aPageThatKeepsAnswering503FailsWithTheReasonAfterTheLastAttempt() {
        CrawlScheduler s = scheduler(Politeness.none(), false, UrlPatterns.all());
        for (int attempt = 1; attempt <= 3; attempt++) {
            now[0] += 1_000 * MS;
            TaskRequest task = s.nextTask(TaskKind.CRAWL).orElseThrow(() -> new AssertionError("no attempt"));
            finish(s, task, ResultMessage.of(new CrawlResult(task.taskId(), ROOT, ROOT, 503, "text/html", true, List.of(), false, null, 1)));
        }
        PageRecord page = s.snapshot().pages().get(0);
        assertEquals(PageStatus.CRAWL_FAILED, page.status());
        assertEquals("HTTP 503 after 3 attempts", page.error());
        assertTrue(s.isFinished());
    }

    @Test
    void includeAndExcludeGlobsDecideWhichLinksAreFollowed() {
        CrawlScheduler s = scheduler(Politeness.none(), false,
                UrlPatterns.of(List.of("http://a.test/docs/**"), List.of("**/*.pdf", "http://a.test/docs/old/**")));
        TaskRequest root = s.nextTask(TaskKind.CRAWL).orElseThrow();
        finish(s, root, html(root, ROOT + "docs/a.html", ROOT + "docs/deep/b.html", ROOT + "docs/c.pdf", ROOT + "docs/old/d.html",
                ROOT + "blog/e.html"));
        List<String> admitted = s.snapshot().pages().stream().map(PageRecord::url).toList();
        assertEquals(List.of(ROOT, ROOT + "docs/a.html", ROOT + "docs/deep/b.html"), admitted);
    }

    @Test
    void aSingleStarStaysInsideOnePathSegment() {
        UrlPatterns patterns = UrlPatterns.of(List.of("http://a.test/*/index.html"), List.of());
        assertTrue(patterns.allows("http://a.test/docs/index.html"));
        assertFalse(patterns.allows("http://a.test/docs/more/index.html"));
        assertTrue(UrlPatterns.of(List.of("http://a.test/page?.html"), List.of()).allows("http://a.test/page1.html"));
        assertTrue(UrlPatterns.of(List.of("http://a.test/a+b(c)"), List.of()).allows("http://a.test/a+b(c)"), "regex characters are literal");
    }

    private static RobotsRules rules(Function<String, Boolean> allows, Duration crawlDelay) {
        return new RobotsRules() {
            @Override
            public boolean allows(String url) {
                return allows.apply(url);
            }

            @Override
            public Duration crawlDelay() {
                return crawlDelay;
            }

            @Override
            public String denial() {
                return "disallowed by robots.txt";
            }
        };
    }
}
