package io.rendler.scheduler.mesos;

import static io.rendler.common.TaskKind.CRAWL;
import static io.rendler.common.TaskKind.RENDER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rendler.common.TaskKind;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OfferPackerTest {

    private final OfferPacker packer = new OfferPacker(Map.of(
            CRAWL, new OfferPacker.Sizing(new Resources(0.1, 32), new Resources(0.1, 128)),
            RENDER, new OfferPacker.Sizing(new Resources(0.5, 128), new Resources(0.2, 384))));

    @Test
    void chargesEachExecutorOnceAndAlternatesKinds() {
        List<TaskKind> plan = packer.pack(new Resources(2, 4096), Set.of(), Map.of(CRAWL, 100, RENDER, 100));
        // render exec 0.2 + 3 renders 1.5 = 1.7; crawl exec 0.1 + 2 crawls 0.2 = 0.3; total 2.0
        assertEquals(List.of(RENDER, CRAWL, RENDER, CRAWL, RENDER), plan);
    }

    @Test
    void runningExecutorsLeaveMoreRoomForTasks() {
        List<TaskKind> plan = packer.pack(new Resources(1.0, 4096), Set.of(CRAWL), Map.of(CRAWL, 100));
        assertEquals(10, plan.size());
        assertTrue(plan.stream().allMatch(k -> k == CRAWL));
    }

    @Test
    void neverLaunchesMoreThanIsQueued() {
        assertEquals(List.of(CRAWL), packer.pack(new Resources(2, 4096), Set.of(), Map.of(CRAWL, 1, RENDER, 0)));
    }

    @Test
    void memoryBoundsAsMuchAsCpu() {
        // 600 MB: the render executor (384) plus one render task (128) fit, a second does not; a crawl (128+32) does not either
        assertEquals(List.of(RENDER), packer.pack(new Resources(4, 600), Set.of(), Map.of(CRAWL, 5, RENDER, 5)));
    }

    @Test
    void anOfferTooSmallForAnythingLaunchesNothing() {
        assertEquals(Collections.emptyList(), packer.pack(new Resources(0.15, 4096), Set.of(), Map.of(CRAWL, 5, RENDER, 5)));
    }
}
