package io.rendler.render;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one {@link RenderHandler} is set up. Everything about a single page (timeout, viewport,
 * User-Agent) comes with each task in its {@link io.rendler.common.PageLimits} instead.
 *
 * @param screenshotDir      where PNGs are written, created if missing
 * @param parallelism        pages rendered at once; each one has its own browser
 * @param chromium           the Chromium or Chrome binary to use; empty means {@link BrowserLocator} finds one
 * @param extraChromiumArgs  appended to the browser's command line. Tests pass a host-resolver rule here
 *                           so Chromium cannot reach the internet; never do that for real crawls
 * @param beginFrames        on a headless shell, draw each page's frames on request ({@link BeginFrameCapture});
 *                           false, or any other Chromium, takes the screenshot from the browser's own frames
 *                           ({@link CdpScreenshot}). The pixels are the same; frames on request are faster
 * @param memoryCapMegabytes the most anonymous memory one browser (all its processes) may use while a page
 *                           is in flight; past it the watchdog stops the browser and the page fails
 */
public record RenderSettings(Path screenshotDir, int parallelism, Optional<Path> chromium, List<String> extraChromiumArgs,
                             boolean beginFrames, long memoryCapMegabytes) {

    public static final int DEFAULT_PARALLELISM = 2;

    /**
     * A browser renders one page at a time, and on the benchmark's pages each used 150-300 MB; one page
     * took a render tree to 3.9 GB, which on a 4 GB machine invites the kernel's OOM killer.
     */
    public static final long DEFAULT_MEMORY_CAP_MEGABYTES = 1536;

    /** The V8 heap cap every page's renderer gets (--max-old-space-size). */
    static final int JS_HEAP_CAP_MEGABYTES = 1024;

    public RenderSettings {
        Objects.requireNonNull(screenshotDir, "screenshotDir");
        Objects.requireNonNull(chromium, "chromium");
        if (parallelism < 1) throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        if (memoryCapMegabytes < 1) throw new IllegalArgumentException("memory cap must be at least 1 MB, was " + memoryCapMegabytes);
        extraChromiumArgs = extraChromiumArgs == null ? List.of() : List.copyOf(extraChromiumArgs);
    }

    /** Two pages at a time, a Chromium found by {@link BrowserLocator}, no extra arguments, frames on request. */
    public static RenderSettings defaults(Path screenshotDir) {
        return new RenderSettings(screenshotDir, DEFAULT_PARALLELISM, Optional.empty(), List.of(), true, DEFAULT_MEMORY_CAP_MEGABYTES);
    }

    public RenderSettings withParallelism(int pages) {
        return new RenderSettings(screenshotDir, pages, chromium, extraChromiumArgs, beginFrames, memoryCapMegabytes);
    }

    public RenderSettings withChromium(Path executable) {
        return new RenderSettings(screenshotDir, parallelism, Optional.of(executable), extraChromiumArgs, beginFrames, memoryCapMegabytes);
    }

    public RenderSettings withExtraChromiumArgs(List<String> args) {
        return new RenderSettings(screenshotDir, parallelism, chromium, args, beginFrames, memoryCapMegabytes);
    }

    public RenderSettings withBeginFrames(boolean onRequest) {
        return new RenderSettings(screenshotDir, parallelism, chromium, extraChromiumArgs, onRequest, memoryCapMegabytes);
    }

    public RenderSettings withMemoryCap(long megabytes) {
        return new RenderSettings(screenshotDir, parallelism, chromium, extraChromiumArgs, beginFrames, megabytes);
    }
}
