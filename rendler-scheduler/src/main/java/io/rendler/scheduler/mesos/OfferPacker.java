package io.rendler.scheduler.mesos;

import io.rendler.common.TaskKind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides how many crawl and render tasks one offer can hold. Pure arithmetic, no Mesos types.
 *
 * <p>An executor holds what its work really costs: the render executor keeps its Chromium slots
 * for its whole life, busy or not, so their cpus and memory are the executor's resources, charged
 * once per agent when it is first launched there. A task is a small work item queued to that
 * executor, with a token share of resources. How many tasks an executor may hold at once is its
 * queue depth: enough to keep its slots busy between offers (the master makes them about once a
 * second per agent), few enough that a lost executor costs little.
 *
 * <p>Each round packs one task of each kind, crawl first: crawls are what grow the frontier, so
 * they must never wait behind renders.
 */
public final class OfferPacker {

    /**
     * Resources for one task kind and for its executor.
     *
     * @param task     what one task adds while it is queued or running
     * @param executor what the executor holds while it lives
     * @param depth    at most this many tasks of the kind in flight on one executor
     */
    public record Sizing(Resources task, Resources executor, int depth) {
        public Sizing {
            if (depth < 1) throw new IllegalArgumentException("queue depth must be at least 1, not " + depth);
        }
    }

    private final Map<TaskKind, Sizing> sizing;

    public OfferPacker(Map<TaskKind, Sizing> sizing) {
        this.sizing = new EnumMap<>(sizing);
    }

    public Sizing sizing(TaskKind kind) {
        return sizing.get(kind);
    }

    /**
     * The kinds to launch from an offer of {@code offered}, in launch order.
     *
     * @param offered          what the offer holds
     * @param runningExecutors executor kinds already running on that agent (their resources are taken)
     * @param inFlight         tasks of each kind already launched on that agent and not yet ended
     * @param queued           how many tasks of each kind are waiting
     */
    public List<TaskKind> pack(Resources offered, Set<TaskKind> runningExecutors, Map<TaskKind, Integer> inFlight,
            Map<TaskKind, Integer> queued) {
        Resources left = offered;
        Set<TaskKind> executors = runningExecutors.isEmpty() ? EnumSet.noneOf(TaskKind.class) : EnumSet.copyOf(runningExecutors);
        Map<TaskKind, Integer> room = new EnumMap<>(TaskKind.class);
        for (Map.Entry<TaskKind, Sizing> kind : sizing.entrySet()) {
            int depthLeft = kind.getValue().depth() - inFlight.getOrDefault(kind.getKey(), 0);
            room.put(kind.getKey(), Math.min(depthLeft, queued.getOrDefault(kind.getKey(), 0)));
        }
        List<TaskKind> plan = new ArrayList<>();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (TaskKind kind : List.of(TaskKind.CRAWL, TaskKind.RENDER)) {
                if (room.getOrDefault(kind, 0) <= 0) continue;
                Resources need = sizing.get(kind).task();
                if (!executors.contains(kind)) need = need.plus(sizing.get(kind).executor());
                if (!left.covers(need)) continue;
                left = left.minus(need);
                executors.add(kind);
                room.merge(kind, -1, Integer::sum);
                plan.add(kind);
                progress = true;
            }
        }
        return plan;
    }
}
