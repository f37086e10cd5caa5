package io.rendler.scheduler.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How gently a crawl treats each host. The scheduler core applies it to every launch, crawl and
 * render alike, so it holds in local mode and across all executors under Mesos.
 *
 * @param obeyRobots         fetch each host's robots.txt before its first task and skip what it disallows
 * @param perHostConcurrency tasks in flight to one host at most; 0 for no limit
 * @param delay              the least time between the end of one task on a host and the start of the
 *                           next; with a delay a host gets one task at a time. A longer Crawl-delay wins
 */
public record Politeness(boolean obeyRobots, int perHostConcurrency, Duration delay) {

    public Politeness {
        Objects.requireNonNull(delay, "delay");
        if (perHostConcurrency < 0) throw new IllegalArgumentException("per-host concurrency must not be negative");
        if (delay.isNegative()) throw new IllegalArgumentException("delay must not be negative");
    }

    /** No robots.txt, no per-host limit, no delay: for tests of other things. */
    public static Politeness none() {
        return new Politeness(false, 0, Duration.ZERO);
    }

    /** What the command line does by default: robots.txt obeyed, no limit or delay of its own. */
    public static Politeness defaults() {
        return new Politeness(true, 0, Duration.ZERO);
    }
}
