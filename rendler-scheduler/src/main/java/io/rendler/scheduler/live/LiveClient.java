package io.rendler.scheduler.live;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One browser watching the feed: the Server-Sent Events frames waiting to be written to it, in a
 * bounded queue. The feed only ever offers; a client whose queue is full has fallen behind and is
 * dropped (its connection closed), so a slow browser can never hold the crawl or the other
 * browsers up. Its EventSource reconnects by itself and starts again from a fresh snapshot.
 */
public final class LiveClient {

    private final int capacity;
    private final Runnable onDrop;
    private final ArrayDeque<String> frames = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean dropped;
    private boolean writing;

    /**
     * @param capacity frames that may wait; one more drops the client
     * @param onDrop   closes the client's connection; called once, from the feed's thread
     */
    public LiveClient(int capacity, Runnable onDrop) {
        this.capacity = capacity;
        this.onDrop = onDrop;
    }

    /** Queues {@code frame}; false (and the client dropped) when the queue is full. Never blocks. */
    boolean offer(String frame) {
        lock.lock();
        try {
            if (dropped) return false;
            if (frames.size() < capacity) {
                frames.add(frame);
                changed.signalAll();
                return true;
            }
            markDropped();
        } finally {
            lock.unlock();
        }
        onDrop.run();
        return false;
    }

    /** Drops the client: the writer stops, and its connection is closed. */
    void drop() {
        lock.lock();
        try {
            if (dropped) return;
            markDropped();
        } finally {
            lock.unlock();
        }
        onDrop.run();
    }

    /** The caller holds the lock. */
    private void markDropped() {
        dropped = true;
        frames.clear();
        changed.signalAll();
    }

    /**
     * The next frame to write, waiting up to {@code timeoutMillis}; null when none came (time
     * for a heartbeat) or the client was dropped.
     */
    public String next(long timeoutMillis) throws InterruptedException {
        lock.lock();
        try {
            writing = false;
            changed.signalAll();
            long left = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (frames.isEmpty() && !dropped && left > 0) left = changed.awaitNanos(left);
            if (dropped || frames.isEmpty()) return null;
            writing = true;
            return frames.poll();
        } finally {
            lock.unlock();
        }
    }

    public boolean isDropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every queued frame has been written (or the client is gone); false when the time ran out first. */
    boolean awaitWritten(long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (!dropped && (writing || !frames.isEmpty())) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) return false;
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Frames waiting, for tests. */
    int queued() {
        lock.lock();
        try {
            return frames.size();
        } finally {
            lock.unlock();
        }
    }
}
