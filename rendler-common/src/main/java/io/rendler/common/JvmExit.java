package io.rendler.common;

import java.util.ArrayList;
import java.util.List;

/**
 * Ends the JVM without a needless 300 ms wait.
 *
 * <p>At exit HotSpot waits up to 300 ms for Java threads that are still in native code. Every JDK 17
 * {@code HttpClient} keeps a selector thread in {@code epoll_wait} until the client is garbage
 * collected, and there is no {@code close()} before JDK 21, so every run ended 0.3 s after its last
 * line (strace, bench/README.md). Interrupting that thread ends its loop; a JVM with a client then
 * exits in about 7 ms instead of 320.
 */
public final class JvmExit {

    private JvmExit() {}

    /** Stops the HttpClient selector threads, then {@link System#exit}. Call only when all work is done. */
    public static void exit(int status) {
        stopHttpClientSelectors();
        System.exit(status);
    }

    /** Interrupts every JDK HttpClient selector thread and waits briefly for each to end; returns them. */
    static List<Thread> stopHttpClientSelectors() {
        List<Thread> selectors = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if (name.startsWith("HttpClient-") && name.endsWith("-SelectorManager")) {
                thread.interrupt();
                selectors.add(thread);
            }
        }
        for (Thread selector : selectors) {
            try {
                selector.join(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return selectors;
    }
}
