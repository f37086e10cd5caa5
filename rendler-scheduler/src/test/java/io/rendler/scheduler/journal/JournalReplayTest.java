package io.rendler.scheduler.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rendler.common.CrawlResult;
import io.rendler.common.MessageCodec;
import io.rendler.common.PageLimits;
import io.rendler.common.RenderResult;
import io.rendler.common.ResultMessage;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import io.rendler.scheduler.core.CrawlScheduler;
import io.rendler.scheduler.core.CrawlSettings;
import io.rendler.scheduler.core.Scope;
import io.rendler.scheduler.core.TaskEnd;
import io.rendler.scheduler.run.CrawlCoordinator;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replaying a journal is feeding a new core the same calls: it ends where the journaled core was, task ids and all. */
class JournalReplayTest {

    private static final String ROOT = "http://site.test/";
    private static final CrawlSettings SETTINGS = new CrawlSettings(ROOT, 100, 5, Scope.sameHost(ROOT), PageLimits.defaults(), true, 2);

    private static byte[] page(TaskRequest task, String... links) {
        return MessageCodec.encode(ResultMessage.of(new CrawlResult(task.taskId(), task.url(), task.url(), 200, "text/html", true,
                List.of(links), false, null, 5)));
    }

    @Test
    void aReplayedCoreEqualsTheOneThatWroteTheJournal(@TempDir Path dir) throws Exception {
        CrawlScheduler live = new CrawlScheduler(SETTINGS);
        try (Journal journal = Journal.create(dir, new JournalHeader(Journal.FORMAT, "test", Instant.now(), List.of(ROOT), false,
                Journal.settingsJson(SETTINGS)), line -> { })) {
            CrawlCoordinator coordinator = new CrawlCoordinator(live, journal);
            TaskRequest root = coordinator.poll(TaskKind.CRAWL).orElseThrow();
            coordinator.deliver(page(root, ROOT + "a", ROOT + "b", "http://elsewhere.test/"));
            coordinator.taskEnded(root.taskId(), TaskEnd.FINISHED, null);
            TaskRequest a = coordinator.poll(TaskKind.CRAWL).orElseThrow();
            TaskRequest b = coordinator.poll(TaskKind.CRAWL).orElseThrow();
            coordinator.taskEnded(a.taskId(), TaskEnd.FAILED, "executor lost"); // retried
            TaskRequest render = coordinator.poll(TaskKind.RENDER).orElseThrow();
            coordinator.deliver(MessageCodec.encode(ResultMessage.of(
                    new RenderResult(render.taskId(), render.url(), render.screenshotName(), 1280, 800, 10, null, 3))));
            coordinator.deliver(page(b, ROOT + "c"));
            coordinator.stop("interrupted");
            journal.registered(new MesosRegistration("fw-1", 4321, "t0ken"));
        }

        JournalReplay.Replayed replayed = JournalReplay.replay(dir, SETTINGS);
        CrawlScheduler again = replayed.core();
        assertEquals(live.snapshot(), again.snapshot());
        assertEquals(live.progress(), again.progress());
        assertEquals(live.runningTasks(), again.runningTasks());
        assertEquals(Optional.of(new MesosRegistration("fw-1", 4321, "t0ken")), replayed.mesos());
        assertEquals(List.of(), replayed.notes());
        live.resume(false);
        again.resume(false);
        assertEquals(live.nextTask(TaskKind.CRAWL), again.nextTask(TaskKind.CRAWL));
        assertTrue(live.nextTask(TaskKind.CRAWL).isPresent());
    }
}
