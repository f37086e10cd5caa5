package io.rendler.scheduler.run;

import io.rendler.common.ResultMessage;
import io.rendler.common.TaskRequest;
import io.rendler.scheduler.core.RobotsRules;
import io.rendler.scheduler.core.TaskEnd;
import java.util.List;

/**
 * Hears every call that changed the scheduler core, in the order the {@link CrawlCoordinator}
 * applied them, so that feeding a new core the same calls rebuilds the crawl. The journal is one.
 * Called with the coordinator's lock held: keep it quick.
 */
public interface CrawlRecorder {

    /** Records nothing, for runs and tests without a journal. */
    CrawlRecorder NONE = new CrawlRecorder() {
        @Override
        public void launched(TaskRequest task) {}

        @Override
        public void resultApplied(ResultMessage result, byte[] encoded, List<String> admitted) {}

        @Override
        public void taskEnded(String taskId, TaskEnd end, String reason) {}

        @Override
        public void stopped(String reason) {}
    };

    /** The core handed out {@code task}. */
    void launched(TaskRequest task);

    /**
     * The core applied {@code result}, which arrived as {@code encoded}, and admitted the pages
     * {@code admitted} from its links.
     */
    void resultApplied(ResultMessage result, byte[] encoded, List<String> admitted);

    /** A task's end that changed its page (see {@code CrawlScheduler.onTaskEnded}). */
    void taskEnded(String taskId, TaskEnd end, String reason);

    /** The crawl stopped launching work. */
    void stopped(String reason);

    /** {@code origin}'s robots.txt became known to the core as {@code rules}. */
    default void robotsKnown(String origin, RobotsRules rules) {}
}
