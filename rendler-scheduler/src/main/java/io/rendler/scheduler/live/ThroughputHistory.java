package io.rendler.scheduler.live;

import java.util.ArrayList;
import java.util.List;

/**
 * The run's counters sampled once a second, for the throughput chart, so that a browser joining
 * late still draws the whole curve. Bounded: when full, every other sample is dropped and the
 * samples are kept twice as far apart from then on.
 */
final class ThroughputHistory {

    /** The counters at {@code millis} into the run. */
    record Sample(long millis, int admitted, int crawled, int rendered, int failed) {}

    private final int capacity;
    private final List<Sample> samples = new ArrayList<>();
    private int every = 1;
    private long offered;

    ThroughputHistory(int capacity) {
        if (capacity < 2) throw new IllegalArgumentException("capacity must be at least 2");
        this.capacity = capacity;
    }

    /** Offers the sample of one more second; true when it was kept. */
    synchronized boolean add(Sample sample) {
        if (offered++ % every != 0) return false;
        if (samples.size() == capacity) {
            List<Sample> kept = new ArrayList<>(capacity / 2 + 1);
            for (int i = 0; i < samples.size(); i += 2) kept.add(samples.get(i));
            samples.clear();
            samples.addAll(kept);
            every *= 2;
        }
        samples.add(sample);
        return true;
    }

    synchronized List<Sample> all() {
        return List.copyOf(samples);
    }
}
