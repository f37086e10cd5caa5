package io.rendler.scheduler.cli;

import io.rendler.common.NetworkGuard;
import io.rendler.common.PageLimits;
import io.rendler.common.TaskHandler;
import io.rendler.common.UrlNormalizer;
import io.rendler.crawl.CrawlHandler;
import io.rendler.render.RenderHandler;
import io.rendler.render.RenderSettings;
import io.rendler.scheduler.core.CrawlSettings;
import io.rendler.scheduler.core.Politeness;
import io.rendler.scheduler.core.UrlPatterns;
import io.rendler.scheduler.core.Scope;
import io.rendler.scheduler.graph.PageRecord;
import io.rendler.scheduler.graph.PageStatus;
import io.rendler.scheduler.local.LocalBackend;
import io.rendler.scheduler.output.OutputFile;
import io.rendler.scheduler.output.OutputWriter;
import io.rendler.scheduler.run.ClusterBackend;
import io.rendler.scheduler.run.CrawlRun;
import io.rendler.scheduler.run.ProgressReporter;
import io.rendler.scheduler.run.SetupException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * Turns parsed options into one crawl run: the settings, the backend, the outputs, the signal
 * handling, and the exit code. This is the CLI step of the data path; everything after it is the
 * scheduler core and a backend.
 */
final class CrawlLauncher {

    private final CrawlOptions options;
    private final PrintStream out;
    private final PrintStream err;

    CrawlLauncher(CrawlOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /** Checks a start URL as typed by a user; empty with a one-line reason printed when it is unusable. */
    Optional<String> parseStartUrl(String typed) {
        if (!typed.contains("://")) {
            Optional<String> guess = UrlNormalizer.normalize("https://" + typed.strip());
            err.println("rendler: '" + typed + "' is not a URL; "
                    + (guess.isPresent() ? "did you mean " + guess.get() + " ?" : "give an http or https URL, e.g. https://example.org/"));
            return Optional.empty();
        }
        Optional<String> url = UrlNormalizer.normalize(typed);
        if (url.isEmpty()) err.println("rendler: '" + typed + "' is not a valid http or https URL");
        return url;
    }

    int run(String startUrl) {
        CrawlSettings settings;
        try {
            settings = settings(startUrl);
        } catch (IllegalArgumentException e) {
            err.println("rendler: " + e.getMessage());
            return ExitCode.USAGE;
        }
        Path outDir = options.output.toAbsolutePath().normalize();
        ProgressReporter.Mode mode = options.quiet ? ProgressReporter.Mode.QUIET : ProgressReporter.detectMode();
        ProgressReporter progress = new ProgressReporter(err, mode, settings.maxPages(), settings.render());
        ClusterBackend backend;
        try {
            prepareOutputDir(outDir, !options.noRender);
            backend = options.master.equals("local") ? localBackend(outDir) : new MesosBackendFactory(options, progress::note).create(outDir);
        } catch (SetupException e) {
            err.println("rendler: " + e.getMessage());
            return ExitCode.SETUP;
        }
        CrawlRun.Outputs outputs = (graph, summary) -> {
            OutputWriter.Written written = new OutputWriter().write(outDir, graph, summary);
            if (!options.quiet) err.println("rendler: " + written.graphvizNote());
            return written.timed();
        };
        CrawlRun run = new CrawlRun(settings, backend, outputs, progress, options.grace, Optional.ofNullable(options.timeLimit));
        if (!options.quiet) {
            err.println("rendler: crawling " + startUrl + " (" + backend.describe() + ", " + settings.scope()
                    + (options.allowPrivate ? ", private addresses allowed" : "")
                    + ", max " + settings.maxPages() + " pages, depth " + settings.maxDepth() + ")");
        }
        installStopSignals(run, progress);

        CrawlRun.Result result;
        try {
            result = run.run();
        } catch (IOException e) {
            err.println("rendler: could not write the outputs to " + outDir + ": " + e.getMessage());
            return ExitCode.SETUP;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.INTERRUPTED;
        }
        if (!options.quiet) {
            for (OutputFile file : result.written()) {
                err.println("rendler: wrote " + displayPath(file.path()) + " in " + file.took().toMillis() + " ms");
            }
            backend.clusterSummary().ifPresent(line -> err.println("rendler: " + line));
        }
        out.println(result.summary().line());
        if (result.failure().isPresent()) {
            RuntimeException failure = result.failure().get();
            err.println("rendler: " + failure.getMessage());
            return failure instanceof SetupException ? ExitCode.SETUP : ExitCode.INTERNAL_ERROR;
        }
        if (result.interrupted()) return ExitCode.INTERRUPTED;
        PageRecord start = result.graph().pages().get(0);
        if (start.status() == PageStatus.CRAWL_FAILED) {
            err.println("rendler: the start page failed: " + start.error());
            return ExitCode.START_PAGE_FAILED;
        }
        return ExitCode.OK;
    }

    private CrawlSettings settings(String startUrl) {
        PageLimits limits = new PageLimits(options.pageTimeout.toMillis(), options.maxPageSize, options.maxRedirects,
                options.viewport.width(), options.viewport.height(),
                options.userAgent != null ? options.userAgent : VersionInfo.userAgent());
        if (options.perHostConcurrency < 0) throw new IllegalArgumentException("--per-host-concurrency must not be negative");
        Politeness politeness = new Politeness(!options.ignoreRobots, options.perHostConcurrency,
                options.delay == null ? Duration.ZERO : options.delay);
        return new CrawlSettings(startUrl, options.maxPages, options.maxDepth, scope(startUrl), limits, !options.noRender,
                options.maxAttempts, options.allowPrivate ? NetworkGuard.off() : NetworkGuard.trusting(startUrl), politeness,
                UrlPatterns.of(options.includes, options.excludes));
    }

    private Scope scope(String startUrl) {
        if (!options.allowPrefixes.isEmpty()) {
            List<String> prefixes = new ArrayList<>();
            for (String prefix : options.allowPrefixes) {
                prefixes.add(UrlNormalizer.normalize(prefix)
                        .orElseThrow(() -> new IllegalArgumentException("--allow-prefix '" + prefix + "' is not an http(s) URL")));
            }
            return Scope.prefixes(prefixes);
        }
        if (!options.allowDomains.isEmpty()) return Scope.domains(options.allowDomains);
        return options.sameHost ? Scope.sameHost(startUrl) : Scope.anywhere();
    }

    private ClusterBackend localBackend(Path outDir) {
        List<TaskHandler> handlers = new ArrayList<>();
        handlers.add(new CrawlHandler(options.crawlConcurrency));
        if (!options.noRender) {
            if (!options.quiet) err.println("rendler: starting " + options.renderConcurrency + " headless Chromium for rendering...");
            try {
                RenderSettings settings = RenderSettings.defaults(outDir.resolve("screenshots"))
                        .withParallelism(options.renderConcurrency)
                        .withExtraChromiumArgs(options.chromiumArgs);
                handlers.add(new RenderHandler(options.chromium == null ? settings : settings.withChromium(options.chromium)));
            } catch (RuntimeException e) {
                throw new SetupException("cannot start Chromium: " + e.getMessage() + " (or use --no-render)", e);
            }
        }
        return new LocalBackend(handlers);
    }

    private static void prepareOutputDir(Path outDir, boolean rendering) {
        try {
            Files.createDirectories(rendering ? outDir.resolve("screenshots") : outDir);
        } catch (IOException e) {
            throw new SetupException("cannot create the output directory " + outDir + ": " + IoReasons.of(e));
        }
        if (!Files.isWritable(outDir)) throw new SetupException("the output directory " + outDir + " is not writable");
    }

    /**
     * The first Ctrl-C (or SIGTERM) stops launching work and lets the run finish up and write its
     * outputs; a second one exits at once.
     */
    private void installStopSignals(CrawlRun run, ProgressReporter progress) {
        AtomicInteger signals = new AtomicInteger();
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    if (signals.incrementAndGet() > 1) {
                        err.println("\nrendler: second " + signal.getName() + ", exiting without waiting");
                        Runtime.getRuntime().halt(ExitCode.INTERRUPTED);
                    }
                    progress.note("SIG" + signal.getName() + ": stopping; press Ctrl-C again to quit at once");
                    run.requestStop("interrupted");
                });
            } catch (IllegalArgumentException e) {
                // The platform has no such signal; Ctrl-C then falls back to the JVM default.
            }
        }
    }

    private static String displayPath(Path file) {
        Path cwd = Path.of("").toAbsolutePath();
        return file.startsWith(cwd) ? cwd.relativize(file).toString() : file.toString();
    }
}
