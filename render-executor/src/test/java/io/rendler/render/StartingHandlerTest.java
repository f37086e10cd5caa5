package io.rendler.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rendler.common.Boundary;
import io.rendler.common.PageLimits;
import io.rendler.common.RenderResult;
import io.rendler.common.ResultMessage;
import io.rendler.common.TaskHandler;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StartingHandlerTest {

    private static final TaskRequest REQUEST = TaskRequest.render("render-1-1", "http://127.0.0.1/", PageLimits.defaults(), "render-1-1.png", null, Boundary.unrestricted());

    @Test
    void aTaskThatArrivesDuringTheStartWaitsForTheHandler() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Fake fake = new Fake();
        StartingHandler handler = new StartingHandler(TaskKind.RENDER, 3, () -> {
            await(release);
            return fake;
        });
        assertEquals(3, handler.parallelism(), "known before the start ends, for the run loop's pool");
        CompletableFuture<ResultMessage> result = CompletableFuture.supplyAsync(() -> handle(handler));
        assertFalse(result.isDone());
        release.countDown();
        assertEquals("render-1-1", result.get(5, TimeUnit.SECONDS).taskId());
        handler.close();
        assertTrue(fake.closed);
    }

    @Test
    void aFailedStartFailsEveryTaskWithItsReason() {
        StartingHandler handler = new StartingHandler(TaskKind.RENDER, 2, () -> {
            throw new ChromiumNotFoundException("no Chromium at /nowhere");
        });
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> handler.handle(REQUEST));
        assertEquals("render executor cannot render: no Chromium at /nowhere", failure.getMessage());
        handler.close(); // nothing was built; closing is quiet
    }

    private static ResultMessage handle(TaskHandler handler) {
        try {
            return handler.handle(REQUEST);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Fake implements TaskHandler {
        volatile boolean closed;

        @Override
        public TaskKind kind() {
            return TaskKind.RENDER;
        }

        @Override
        public int parallelism() {
            return 3;
        }

        @Override
        public ResultMessage handle(TaskRequest request) {
            return ResultMessage.of(new RenderResult(request.taskId(), request.url(), "render-1-1.png", 1280, 800, 1, null, 1));
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
