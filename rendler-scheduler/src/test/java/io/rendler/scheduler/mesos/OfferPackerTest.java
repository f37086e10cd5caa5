package io.rendler.scheduler.mesos;

import static io.rendler.common.TaskKind.CRAWL;
import static io.rendler.common.TaskKind.RENDER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rendler.common.TaskKind;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OfferPackerTest {

    private final OfferPacker packer = new OfferPacker(Map.of(
            CRAWL, new OfferPacker.Sizing(new Resources(0.01, 4), new Resources(0.2, 320), 16),
            RENDER, new OfferPacker.Sizing(new Resources(0.01, 8), new Resources(0.7, 1024), 4)));

    private static long count(List<TaskKind> plan, TaskKind kind) {
        return plan.stream().filter(k -> k == kind).count();
    }

    @Test
    void fillsEachExecutorToItsQueueDepth() {
        List<TaskKind> plan = packer.pack(new Resources(2, 4096), Set.of(), Map.of(), Map.of(CRAWL, 100, RENDER, 100));
        assertEquals(16, count(plan, CRAWL));
        assertEquals(4, count(plan, RENDER));
    }

    @Test
    void countsTasksAlreadyInFlightOnTheAgent() {
        List<TaskKind> plan = packer.pack(new Resources(2, 4096), Set.of(CRAWL, RENDER), Map.of(CRAWL, 10, RENDER, 4),
                Map.of(CRAWL, 100, RENDER, 100));
        assertEquals(List.of(CRAWL, CRAWL, CRAWL, CRAWL, CRAWL, CRAWL), plan);
    }

    @Test
    void crawlsGoFirstAndAlternateWithRenders() {
        List<TaskKind> plan = packer.pack(new Resources(2, 4096), Set.of(), Map.of(), Map.of(CRAWL, 2, RENDER, 2));
        assertEquals(List.of(CRAWL, RENDER, CRAWL, RENDER), plan);
    }

    @Test
    void anOfferTooSmallForTheRenderExecutorStillTakesCrawls() {
        // 0.5 cpus hold the crawl executor (0.2) and its tasks, never the render executor (0.7).
        List<TaskKind> plan = packer.pack(new Resources(0.5, 4096), Set.of(), Map.of(), Map.of(CRAWL, 5, RENDER, 50));
        assertEquals(List.of(CRAWL, CRAWL, CRAWL, CRAWL, CRAWL), plan);
    }

    @Test
    void aRunningExecutorNeedsOnlyItsTasksResources() {
        // 0.05 cpus could never start a render executor, but one is running there already.
        List<TaskKind> plan = packer.pack(new Resources(0.05, 4096), Set.of(RENDER), Map.of(), Map.of(RENDER, 50));
        assertEquals(4, count(plan, RENDER));
    }

    @Test
    void memoryBoundsAsMuchAsCpu() {
        // 1,040 MB: the render executor (1,024) and two render tasks (8 each), nothing for the crawl executor.
        List<TaskKind> plan = packer.pack(new Resources(4, 1040), Set.of(), Map.of(), Map.of(CRAWL, 0, RENDER, 5));
        assertEquals(List.of(RENDER, RENDER), plan);
    }

    @Test
    void neverLaunchesMoreThanIsQueued() {
        assertEquals(List.of(CRAWL), packer.pack(new Resources(2, 4096), Set.of(), Map.of(), Map.of(CRAWL, 1, RENDER, 0)));
    }

    @Test
    void anOfferTooSmallForAnythingLaunchesNothing() {
        assertEquals(Collections.emptyList(),
                packer.pack(new Resources(0.15, 4096), Set.of(), Map.of(), Map.of(CRAWL, 5, RENDER, 5)));
    }

    @Test
    void aQueueDepthBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new OfferPacker.Sizing(new Resources(0.01, 4), Resources.NONE, 0));
    }
}
