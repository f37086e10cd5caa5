package io.rendler.mesossim;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the master and the agent share: one lock for all simulator state (a test simulator does
 * not need finer locking, and one lock cannot deadlock), the clock, the timers, the ids and the
 * test hooks. Network writes never happen under the lock; {@link EventStream} queues them.
 */
final class Cluster implements AutoCloseable {

    final Object lock = new Object();
    final SimConfig config;
    final String masterId = UUID.randomUUID().toString();
    final String agentId = masterId + "-S0";
    final Observations observations = new Observations();
    final Faults faults = new Faults();
    final Master master;
    final Agent agent;
    /** Runs sandbox set-up, fetching and process start, off the lock. */
    final ExecutorService launcher;
    /** Whether executors can get their own session (Mesos' posix launcher does setsid). */
    final boolean setsidAvailable = Files.isExecutable(Path.of("/usr/bin/setsid"));

    private final ScheduledExecutorService timer;
    private volatile boolean closed;
    private volatile int masterPort;
    private volatile int agentPort;

    Cluster(SimConfig config) {
        this.config = config;
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("mesossim-timer"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.timer = scheduler;
        this.launcher = Executors.newCachedThreadPool(daemonThreads("mesossim-launcher"));
        this.master = new Master(this);
        this.agent = new Agent(this);
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    void ports(int masterPort, int agentPort) {
        this.masterPort = masterPort;
        this.agentPort = agentPort;
    }

    int masterPort() {
        return masterPort;
    }

    int agentPort() {
        return agentPort;
    }

    /**
     * Runs {@code action} under the lock after {@code delay}; exceptions are printed, not lost.
     * Returns null once the simulator is closed (connections still report their end then).
     */
    ScheduledFuture<?> schedule(Duration delay, Runnable action) {
        try {
            return closed ? null : timer.schedule(() -> locked(action), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    ScheduledFuture<?> every(Duration period, Runnable action) {
        try {
            return closed ? null : timer.scheduleAtFixedRate(
                    () -> locked(action), period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    boolean isClosed() {
        return closed;
    }

    void locked(Runnable action) {
        if (closed) return;
        synchronized (lock) {
            try {
                action.run();
            } catch (RuntimeException | AssertionError e) {
                System.err.println("mesossim: background action failed");
                e.printStackTrace();
            }
        }
    }

    /** Seconds since the epoch with microsecond precision, as Mesos puts in {@code timestamp}. */
    static double now() {
        Instant now = Instant.now();
        return now.getEpochSecond() + (now.getNano() / 1000) / 1_000_000.0;
    }

    /** A random RFC-4122 version 4 UUID as the 16 raw bytes Mesos' uuid fields carry. */
    static ByteString randomUuidBytes() {
        UUID uuid = UUID.randomUUID();
        return ByteString.copyFrom(ByteBuffer.allocate(16)
                .putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits())
                .array());
    }

    /**
     * Mesos' {@code id::UUID::fromBytes}: exactly 16 bytes with a version nibble of 1 to 5,
     * otherwise "Not a valid UUID" (README surprise 1).
     */
    static boolean isValidUuid(ByteString bytes) {
        if (bytes.size() != 16) return false;
        int version = (bytes.byteAt(6) & 0xf0) >> 4;
        return version >= 1 && version <= 5;
    }

    /** Mesos' duration notation: {@code 5secs}, {@code 15mins}, {@code 500ms}. */
    static String mesosDuration(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0 && millis >= 60_000) return (millis / 60_000) + "mins";
        if (millis % 1000 == 0 && millis >= 1000) return (millis / 1000) + "secs";
        return millis + "ms";
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        launcher.shutdownNow();
    }
}
