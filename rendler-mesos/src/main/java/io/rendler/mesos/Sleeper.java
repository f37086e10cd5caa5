package io.rendler.mesos;

import java.time.Duration;

/** Waits between retries; tests substitute one that records the waits instead. */
@FunctionalInterface
interface Sleeper {

    Sleeper REAL = duration -> Thread.sleep(Math.max(0, duration.toMillis()));

    void sleep(Duration duration) throws InterruptedException;
}
