package io.rendler.scheduler.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rendler.scheduler.core.Progress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {

    /** admitted, crawled, rendered, failed, then pending and running crawls; no renders queued. */
    private static Progress progress(int admitted, int crawled, int rendered, int failed, int pendingCrawls, int runningCrawls) {
        return new Progress(admitted, crawled, rendered, failed, pendingCrawls, 0, runningCrawls, 0);
    }

    @Test
    void noEstimateUntilFivePagesHaveFinished() {
        assertEquals(Optional.empty(), ProgressReporter.timeLeft(progress(100, 30, 4, 0, 0, 0), 100, true, 5));
    }

    @Test
    void withThePageLimitReachedTheTotalIsKnown() {
        // 51 pages finished over 10 s since the first: 5 pages/s, 49 left
        assertEquals(Optional.of("~10s left"), ProgressReporter.timeLeft(progress(100, 80, 50, 1, 0, 0), 100, true, 10));
    }

    @Test
    void whileLinksAreStillBeingFoundTheLimitIsOnlyAnUpperBound() {
        assertEquals(Optional.of("up to ~18s left"), ProgressReporter.timeLeft(progress(40, 30, 11, 0, 9, 2), 100, true, 2));
    }

    @Test
    void onceNothingIsLeftToDiscoverTheAdmittedPagesAreTheTotal() {
        assertEquals(Optional.of("~2s left"), ProgressReporter.timeLeft(progress(40, 40, 30, 1, 0, 0), 100, true, 6));
    }

    @Test
    void withoutRenderingACrawledPageIsFinishedAndLongWaitsReadInMinutes() {
        assertEquals(Optional.of("~9m left"), ProgressReporter.timeLeft(progress(5000, 101, 0, 0, 0, 0), 5000, false, 10));
        assertEquals(Optional.empty(), ProgressReporter.timeLeft(progress(5000, 5000, 0, 0, 0, 0), 5000, false, 10), "done: nothing left");
    }
}
