package io.rendler.crawl;

import java.time.Duration;

/** The moment by which a whole fetch, every redirect and the body included, has to be over. */
record Deadline(long endNanos) {

    static Deadline after(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos());
    }

    /** Time left, never negative. */
    Duration remaining() {
        return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    boolean passed() {
        return endNanos - System.nanoTime() <= 0;
    }
}
