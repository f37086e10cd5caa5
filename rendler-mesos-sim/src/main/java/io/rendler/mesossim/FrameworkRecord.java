package io.rendler.mesossim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.apache.mesos.v1.Protos.FrameworkInfo;

/** The master's view of one registered framework. Guarded by the cluster lock. */
final class FrameworkRecord {

    /** DECLINE and ACCEPT leave one: offers wholly inside {@code resources} are held back until expiry. */
    record RefuseFilter(Resources resources, long expiresAtNanos) {}

    final String id;
    FrameworkInfo info;
    /** The open SUBSCRIBE stream; null while the scheduler is disconnected (failover window). */
    EventStream stream;
    boolean suppressed;
    final List<RefuseFilter> filters = new ArrayList<>();
    /** Tasks the master knows: launched and not yet both terminal and acknowledged. */
    final Map<String, SimTask> tasks = new LinkedHashMap<>();
    ScheduledFuture<?> heartbeat;
    ScheduledFuture<?> failoverTimeout;

    FrameworkRecord(String id, FrameworkInfo info) {
        this.id = id;
        this.info = info;
    }

    boolean connected() {
        return stream != null;
    }

    boolean partitionAware() {
        return info.getCapabilitiesList().stream()
                .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.PARTITION_AWARE);
    }

    /** True if some live filter covers all of {@code available}; expired filters are dropped here. */
    boolean refuses(Resources available, long nowNanos) {
        filters.removeIf(f -> f.expiresAtNanos() - nowNanos <= 0);
        return filters.stream().anyMatch(f -> f.resources().contains(available));
    }

    void cancelTimers() {
        if (heartbeat != null) heartbeat.cancel(false);
        if (failoverTimeout != null) failoverTimeout.cancel(false);
        heartbeat = null;
        failoverTimeout = null;
    }
}
