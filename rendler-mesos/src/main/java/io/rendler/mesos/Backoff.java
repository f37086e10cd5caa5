package io.rendler.mesos;

import java.time.Duration;
import java.util.Objects;

/**
 * Capped exponential backoff with jitter, for resubscribing. Attempt {@code n} waits between half
 * and all of {@code min(max, initial * 2^n)}, so many clients that lost the same master at the
 * same moment do not come back in step, and no wait ever exceeds {@code max}.
 */
public record Backoff(Duration initial, Duration max) {

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) throw new IllegalArgumentException("initial backoff must be positive");
        if (max.compareTo(initial) < 0) throw new IllegalArgumentException("max backoff " + max + " is below initial " + initial);
    }

    /**
     * @param attempt  0 for the first retry
     * @param random01 a uniform random number in [0, 1)
     */
    public Duration delay(int attempt, double random01) {
        double ceiling = Math.min(max.toNanos(), initial.toNanos() * Math.pow(2, Math.min(Math.max(attempt, 0), 62)));
        return Duration.ofNanos((long) (ceiling / 2 + ceiling / 2 * random01));
    }
}
