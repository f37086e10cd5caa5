package io.rendler.render;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one {@link RenderHandler} is set up. Everything about a single page (timeout, viewport,
 * User-Agent) comes with each task in its {@link io.rendler.common.PageLimits} instead.
 *
 * @param screenshotDir     where PNGs are written, created if missing
 * @param parallelism       pages rendered at once; each one has its own browser
 * @param chromium          the Chromium or Chrome binary to use; empty means {@link BrowserLocator} finds one
 * @param extraChromiumArgs appended to the browser's command line. Tests pass a host-resolver rule here
 *                          so Chromium cannot reach the internet; never do that for real crawls
 * @param beginFrames       on a headless shell, draw each page's frames on request
 *                          ({@link BeginFrameCapture}); false, or any other Chromium, takes the screenshot
 *                          from the browser's own frames. RENDLER_BEGIN_FRAMES=0 sets false in {@link #defaults}
 */
public record RenderSettings(Path screenshotDir, int parallelism, Optional<Path> chromium, List<String> extraChromiumArgs,
                             boolean beginFrames) {

    public static final int DEFAULT_PARALLELISM = 2;

    /**
     * Environment variables that change how each render executor captures, to compare the ways
     * (bench/README.md): RENDLER_BEGIN_FRAMES=0, RENDLER_CDP_SCREENSHOT=0. The Mesos backend passes
     * the scheduler's on to its executors, as local mode's child processes inherit them.
     */
    public static final List<String> CAPTURE_SWITCHES = List.of(BeginFrameCapture.DISABLE_ENV, RenderSlot.CDP_SCREENSHOT_ENV);

    public RenderSettings {
        Objects.requireNonNull(screenshotDir, "screenshotDir");
        Objects.requireNonNull(chromium, "chromium");
        if (parallelism < 1) throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        extraChromiumArgs = extraChromiumArgs == null ? List.of() : List.copyOf(extraChromiumArgs);
    }

    /** Two pages at a time, a Chromium found by {@link BrowserLocator}, no extra arguments, frames on request. */
    public static RenderSettings defaults(Path screenshotDir) {
        boolean beginFrames = !"0".equals(System.getenv(BeginFrameCapture.DISABLE_ENV));
        return new RenderSettings(screenshotDir, DEFAULT_PARALLELISM, Optional.empty(), List.of(), beginFrames);
    }

    public RenderSettings withParallelism(int pages) {
        return new RenderSettings(screenshotDir, pages, chromium, extraChromiumArgs, beginFrames);
    }

    public RenderSettings withChromium(Path executable) {
        return new RenderSettings(screenshotDir, parallelism, Optional.of(executable), extraChromiumArgs, beginFrames);
    }

    public RenderSettings withExtraChromiumArgs(List<String> args) {
        return new RenderSettings(screenshotDir, parallelism, chromium, args, beginFrames);
    }

    public RenderSettings withBeginFrames(boolean onRequest) {
        return new RenderSettings(screenshotDir, parallelism, chromium, extraChromiumArgs, onRequest);
    }
}
