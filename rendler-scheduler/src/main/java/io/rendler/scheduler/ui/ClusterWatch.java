package io.rendler.scheduler.ui;

import java.util.function.Consumer;

/** Where the live view hears about the cluster: the Mesos backend implements it, local mode has none. */
public interface ClusterWatch {

    /** What the cluster looks like now. */
    ClusterView view();

    /**
     * Calls {@code listener} with each new activity, from the backend's own thread; keep it quick.
     * Returns a handle that stops the calls.
     */
    AutoCloseable listen(Consumer<ClusterActivity> listener);
}
