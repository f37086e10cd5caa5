package io.rendler.scheduler.live;

import io.rendler.common.ResultMessage;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import io.rendler.scheduler.core.RobotsRules;
import io.rendler.scheduler.core.TaskEnd;
import io.rendler.scheduler.run.CrawlRecorder;
import java.util.List;

/**
 * Passes every change on to the journal (or whatever records the run), and tells the live feed
 * which pages it touched. Runs under the coordinator's lock, so each mark is O(1), and nothing
 * at all while no browser watches.
 */
public final class LiveRecorder implements CrawlRecorder {

    private final CrawlRecorder next;
    private final LiveFeed feed;

    public LiveRecorder(CrawlRecorder next, LiveFeed feed) {
        this.next = next;
        this.feed = feed;
    }

    @Override
    public void launched(TaskRequest task) {
        next.launched(task);
        feed.taskLaunched(task.taskId(), task.url());
    }

    @Override
    public void resultApplied(ResultMessage result, byte[] encoded, List<String> admitted) {
        next.resultApplied(result, encoded, admitted);
        feed.taskAnswered(result.taskId());
        feed.pageTouched(result.kind() == TaskKind.CRAWL ? result.crawl().url() : result.render().url());
        for (String url : admitted) feed.pageTouched(url);
    }

    @Override
    public void taskEnded(String taskId, TaskEnd end, String reason) {
        next.taskEnded(taskId, end, reason);
        feed.taskTouched(taskId);
    }

    @Override
    public void stopped(String reason) {
        next.stopped(reason);
        feed.somethingTouched();
    }

    @Override
    public void robotsKnown(String origin, RobotsRules rules) {
        next.robotsKnown(origin, rules);
        feed.somethingTouched();
    }
}
