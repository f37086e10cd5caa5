package io.rendler.scheduler.run;


/**
 * Where tasks run. The scheduler core never knows which backend it is on: a backend takes tasks
 * from the {@link CrawlCoordinator}, runs them on an executor, and hands back the encoded result
 * and the task's end. Local mode runs the executors' handlers in this JVM; Mesos mode launches
 * them on a cluster through the v1 HTTP scheduler API.
 */
public interface ClusterBackend extends AutoCloseable {

    /** A short description for the start-up line, e.g. {@code local: 8 crawl + 2 render slots}. */
    String describe();

    /** Starts running the coordinator's tasks and returns at once; throws {@link SetupException} when it cannot. */
    void start(CrawlCoordinator coordinator);

    /** Why the backend could not carry on, if it could not; the run then ends early with outputs written. */
    default java.util.Optional<RuntimeException> failure() {
        return java.util.Optional.empty();
    }

    /** One line on what the cluster said during the run, for the summary; empty when there is nothing to say. */
    default java.util.Optional<String> clusterSummary() {
        return java.util.Optional.empty();
    }

    /** The cluster as the framework sees it, for the live view; local mode has none to show. */
    default java.util.Optional<io.rendler.scheduler.ui.ClusterWatch> clusterWatch() {
        return java.util.Optional.empty();
    }

    /** Kills whatever is still running; called when the grace period after a stop runs out. */
    void killRunning();

    /** Releases executors, browsers and connections. Called once, after the outputs are written. */
    @Override
    void close();
}
