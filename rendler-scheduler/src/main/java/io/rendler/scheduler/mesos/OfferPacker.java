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
 * <p>Each task kind has its own task resources, and each executor kind its own resources that are
 * charged once per agent, the first time that executor is launched there (Mesos keeps an executor
 * alive across tasks, and its resources stay allocated while it lives). Render tasks are packed
 * first in each round because rendering is the bottleneck, then crawl tasks, alternating so that
 * neither kind starves the other.
 */
public final class OfferPacker {

    /** Resources for one task kind and for its executor. */
    public record Sizing(Resources task, Resources executor) {}

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
     * @param queued           how many tasks of each kind are waiting
     */
    public List<TaskKind> pack(Resources offered, Set<TaskKind> runningExecutors, Map<TaskKind, Integer> queued) {
        Resources left = offered;
        Set<TaskKind> executors = runningExecutors.isEmpty() ? EnumSet.noneOf(TaskKind.class) : EnumSet.copyOf(runningExecutors);
        Map<TaskKind, Integer> wanted = new EnumMap<>(queued);
        List<TaskKind> plan = new ArrayList<>();
        boolean progress = true;
        while (progress) {
            progress = false;
            for (TaskKind kind : List.of(TaskKind.RENDER, TaskKind.CRAWL)) {
                if (wanted.getOrDefault(kind, 0) <= 0 || !sizing.containsKey(kind)) continue;
                Resources need = sizing.get(kind).task();
                if (!executors.contains(kind)) need = need.plus(sizing.get(kind).executor());
                if (!left.covers(need)) continue;
                left = left.minus(need);
                executors.add(kind);
                wanted.merge(kind, -1, Integer::sum);
                plan.add(kind);
                progress = true;
            }
        }
        return plan;
    }
}
