package io.rendler.render;

import io.rendler.common.RenderResult;
import io.rendler.common.ResultMessage;
import io.rendler.common.TaskHandler;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Renders one page per task into a PNG of the viewport. The browsers start once, in the
 * constructor, and are reused for every page; at most {@link #parallelism()} pages are in flight,
 * each in its own {@link RenderSlot}. {@link #handle} is safe to call from any number of threads:
 * callers beyond the parallelism wait for a free slot.
 */
public final class RenderHandler implements TaskHandler {

    private static final System.Logger LOG = System.getLogger(RenderHandler.class.getName());

    private final RenderSettings settings;
    private final BlockingQueue<RenderSlot> idleSlots;
    private final ScreenshotUploader uploader = new ScreenshotUploader();
    private final Object lifecycle = new Object();
    private boolean closed; // guarded by lifecycle

    public RenderHandler(RenderSettings settings) {
        this(settings, BrowserLocator.forThisMachine());
    }

    RenderHandler(RenderSettings settings, BrowserLocator locator) {
        this.settings = settings;
        Path chromium = locator.locate(settings.chromium());
        PlaywrightDriverCache.install(System.getenv());
        BrowserProcess.deleteLeftovers(DriverWrapper.tempBase());
        try {
            Files.createDirectories(settings.screenshotDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create screenshot directory " + settings.screenshotDir(), e);
        }
        this.idleSlots = new ArrayBlockingQueue<>(settings.parallelism());
        this.idleSlots.addAll(startSlots(chromium));
        LOG.log(Level.INFO, "render handler ready: {0} browser(s) from {1}", settings.parallelism(), chromium);
    }

    /** Starts every slot's browser at once; if one fails to start, the others are closed again. */
    private List<RenderSlot> startSlots(Path chromium) {
        List<RenderSlot> slots = new ArrayList<>();
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int i = 0; i < settings.parallelism(); i++) {
            RenderSlot slot = new RenderSlot(i, chromium, settings);
            slots.add(slot);
            // A plain thread per start: these are long blocking calls, not work for the common pool.
            CompletableFuture<Void> started = new CompletableFuture<>();
            Thread starter = new Thread(() -> {
                try {
                    slot.start();
                    started.complete(null);
                } catch (Throwable t) {
                    started.completeExceptionally(t);
                }
            }, "render-slot-start-" + i);
            starter.setDaemon(true);
            starter.start();
            starts.add(started);
        }
        try {
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
            return slots;
        } catch (CompletionException e) {
            // join() returns only once every start has finished, so no slot is still in use here.
            slots.forEach(RenderSlot::close);
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) throw runtime;
            throw new IllegalStateException("could not start Chromium: " + cause, cause);
        }
    }

    @Override
    public TaskKind kind() {
        return TaskKind.RENDER;
    }

    @Override
    public int parallelism() {
        return settings.parallelism();
    }

    @Override
    public ResultMessage handle(TaskRequest request) throws InterruptedException {
        if (request.kind() != TaskKind.RENDER) {
            throw new IllegalArgumentException("render handler got a " + request.kind().label() + " task: " + request.taskId());
        }
        return ResultMessage.of(render(request));
    }

    private RenderResult render(TaskRequest request) throws InterruptedException {
        String taskId = request.taskId();
        String problem = checkRequest(request);
        if (problem != null) return RenderResult.failure(taskId, request.url(), problem, 0);

        RenderSlot.Capture capture;
        RenderSlot slot = borrowSlot();
        long started = System.nanoTime(); // waiting for a slot is queueing, not rendering
        try {
            capture = slot.capture(request.url(), request.limits(), request.boundary());
        } catch (RenderFailedException e) {
            return RenderResult.failure(taskId, request.url(), e.getMessage(), millisSince(started));
        } finally {
            returnSlot(slot);
        }
        long elapsed = millisSince(started);
        byte[] png = capture.png();
        PngInfo size = PngInfo.read(png);
        // Under Mesos the PNG goes to the scheduler's file server only: a copy in the sandbox would
        // double the disk writes and fill the agent's disk over a long crawl.
        if (request.uploadUrl() != null) {
            try {
                uploader.upload(request.uploadUrl(), png, Duration.ofMillis(request.limits().timeoutMillis()));
            } catch (IOException e) {
                return RenderResult.failure(taskId, request.url(), "screenshot upload failed: " + e.getMessage(), elapsed);
            }
        } else {
            Path target = settings.screenshotDir().resolve(request.screenshotName());
            try {
                writeAtomically(target, png);
            } catch (IOException e) {
                return RenderResult.failure(taskId, request.url(), "cannot write " + target + ": " + e, elapsed);
            }
        }
        return new RenderResult(taskId, request.url(), request.screenshotName(), size.width(), size.height(), png.length, null, elapsed,
                capture.finalUrl());
    }

    /** A reason to refuse the task before it reaches a browser, or null when it is fine. */
    private static String checkRequest(TaskRequest request) {
        String scheme;
        try {
            scheme = URI.create(request.url()).getScheme();
        } catch (IllegalArgumentException e) {
            return "not a valid URL: " + request.url();
        }
        // The scheduler only sends http(s); anything else (file:, chrome:) must not reach the browser.
        if (scheme == null || !List.of("http", "https").contains(scheme.toLowerCase(Locale.ROOT))) {
            return "not an http(s) URL: " + request.url();
        }
        String name = request.screenshotName();
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            return "not a plain file name: " + name;
        }
        return null;
    }

    /** Writes under a temporary name first, so nobody ever sees half a PNG. */
    private static void writeAtomically(Path target, byte[] png) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.write(partial, png);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial); // only there when the write or the move failed (a full disk)
        }
    }

    private RenderSlot borrowSlot() throws InterruptedException {
        while (true) {
            synchronized (lifecycle) {
                if (closed) throw new IllegalStateException("render handler is closed");
            }
            RenderSlot slot = idleSlots.poll(1, TimeUnit.SECONDS);
            if (slot == null) continue;
            synchronized (lifecycle) {
                if (!closed) return slot;
            }
            slot.close();
            throw new IllegalStateException("render handler is closed");
        }
    }

    /** A slot that comes back after close() is closed here, by the thread that last used it. */
    private void returnSlot(RenderSlot slot) {
        boolean closeIt;
        synchronized (lifecycle) {
            closeIt = closed;
            if (!closeIt) idleSlots.add(slot);
        }
        if (closeIt) slot.close();
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /**
     * Closes the idle slots now, which closes their browsers. A slot still rendering is closed by its
     * own thread when that page is done, which the page's timeout bounds.
     */
    @Override
    public void close() {
        List<RenderSlot> idle = new ArrayList<>();
        synchronized (lifecycle) {
            if (closed) return;
            closed = true;
            idleSlots.drainTo(idle);
        }
        idle.forEach(RenderSlot::close);
        LOG.log(Level.INFO, "render handler closed");
    }
}
