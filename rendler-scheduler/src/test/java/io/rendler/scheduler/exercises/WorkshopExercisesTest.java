package io.rendler.scheduler.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rendler.common.CrawlResult;
import io.rendler.common.PageLimits;
import io.rendler.common.ResultMessage;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import io.rendler.scheduler.core.CrawlScheduler;
import io.rendler.scheduler.core.CrawlSettings;
import io.rendler.scheduler.core.Scope;
import io.rendler.scheduler.core.TaskEnd;
import io.rendler.scheduler.mesos.OfferPacker;
import io.rendler.scheduler.mesos.Resources;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The workshop exercises (README, "Exercises"). Each test fails until the change it describes is
 * made; the normal build skips the "exercise" tag. Run one with:
 * {@code mvn -q -pl rendler-scheduler test -Dtest='WorkshopExercisesTest#exercise1*' -Drendler.exercises=}
 */
@Tag("exercise")
class WorkshopExercisesTest {

    private static final String ROOT = "http://site.test/";

    private static CrawlScheduler scheduler() {
        return new CrawlScheduler(new CrawlSettings(ROOT, 100, 5, Scope.sameHost(ROOT), PageLimits.defaults(), true, 3));
    }

    /**
     * Exercise 1, the packing rule: Chromium is memory-hungry, so never pack more than two render
     * tasks into one offer, however large. Change {@link OfferPacker#pack}.
     */
    @Test
    void exercise1_atMostTwoRendersPerOffer() {
        OfferPacker packer = new OfferPacker(Map.of(
                TaskKind.CRAWL, new OfferPacker.Sizing(new Resources(0.1, 32), new Resources(0.1, 256), 100),
                TaskKind.RENDER, new OfferPacker.Sizing(new Resources(0.5, 128), new Resources(0.2, 512), 100)));
        List<TaskKind> plan = packer.pack(new Resources(16, 65536), Set.of(), Map.of(),
                Map.of(TaskKind.RENDER, 50, TaskKind.CRAWL, 50));
        long renders = plan.stream().filter(k -> k == TaskKind.RENDER).count();
        assertEquals(2, renders, "Exercise 1 asks that one offer holds at most two render tasks, however large the offer;"
                + " this 16-cpu offer got " + renders + " (the plan: " + plan + ")");
        assertTrue(plan.contains(TaskKind.CRAWL), "Exercise 1 asks that the room left after two renders goes to crawls;"
                + " the plan has none: " + plan);
    }

    /**
     * Exercise 2, a new limit: URLs with a query string are where crawler traps live
     * ({@code calendar?month=...}). Do not admit them. Change {@code CrawlScheduler.applyCrawl}
     * (bonus: make it a {@code --skip-queries} option through CrawlSettings and CrawlOptions).
     */
    @Test
    void exercise2_linksWithQueryStringsAreNotFollowed() {
        CrawlScheduler s = scheduler();
        TaskRequest root = s.nextTask(TaskKind.CRAWL).orElseThrow();
        s.onResult(ResultMessage.of(new CrawlResult(root.taskId(), ROOT, ROOT, 200, "text/html", true,
                List.of(ROOT + "about", ROOT + "calendar?month=1", ROOT + "calendar?month=2"), false, null, 1)));
        assertEquals(2, s.progress().admitted(), "Exercise 2 asks that links with a query string (calendar?month=1) are"
                + " not followed, so only the start page and /about are admitted; " + s.progress().admitted() + " were");
    }

    /**
     * Exercise 3, a retry rule: HTTP 502 (Bad Gateway) and 504 (Gateway Timeout) come from a proxy
     * in front of the site and usually pass. Give such a page another crawl attempt at once
     * instead of marking it failed, within the usual attempt limit. Look at how
     * {@code CrawlScheduler.applyCrawl} already does this for 429 and 503 ({@code comeBackLater}).
     */
    @Test
    void exercise3_http502IsRetried() {
        CrawlScheduler s = scheduler();
        TaskRequest first = s.nextTask(TaskKind.CRAWL).orElseThrow();
        s.onResult(ResultMessage.of(new CrawlResult(first.taskId(), ROOT, ROOT, 502, "text/html", true, List.of(), false, null, 1)));
        s.onTaskEnded(first.taskId(), TaskEnd.FINISHED, null);
        TaskRequest second = s.nextTask(TaskKind.CRAWL).orElseThrow(() -> new AssertionError(
                "Exercise 3 asks that an HTTP 502 answer gives the page another crawl attempt at once; none was ready"));
        assertEquals(ROOT, second.url(), "Exercise 3: the retry must crawl the page that answered 502 again");
        assertEquals("crawl-0-2", second.taskId(), "Exercise 3: the retry is the page's second attempt");
    }
}
