package io.rendler.scheduler.cli;

import io.rendler.common.NetworkGuard;
import io.rendler.common.PageLimits;
import io.rendler.common.TaskHandler;
import io.rendler.common.UrlNormalizer;
import io.rendler.crawl.CrawlHandler;
import io.rendler.render.RenderHandler;
import io.rendler.render.RenderSettings;
import io.rendler.scheduler.core.CrawlScheduler;
import io.rendler.scheduler.core.CrawlSettings;
import io.rendler.scheduler.core.Politeness;
import io.rendler.scheduler.core.Progress;
import io.rendler.scheduler.core.Scope;
import io.rendler.scheduler.core.UrlPatterns;
import io.rendler.scheduler.graph.PageRecord;
import io.rendler.scheduler.graph.PageStatus;
import io.rendler.scheduler.journal.CrawlFolder;
import io.rendler.scheduler.journal.Journal;
import io.rendler.scheduler.journal.JournalException;
import io.rendler.scheduler.journal.JournalHeader;
import io.rendler.scheduler.journal.JournalReplay;
import io.rendler.scheduler.journal.MesosRegistration;
import io.rendler.scheduler.live.LiveFeed;
import io.rendler.scheduler.live.LiveView;
import io.rendler.scheduler.local.LocalBackend;
import io.rendler.scheduler.output.OutputFile;
import io.rendler.scheduler.output.OutputWriter;
import io.rendler.scheduler.run.ClusterBackend;
import io.rendler.scheduler.run.CrawlCoordinator;
import io.rendler.scheduler.run.CrawlRecorder;
import io.rendler.scheduler.run.CrawlRun;
import io.rendler.scheduler.run.ProgressReporter;
import io.rendler.scheduler.run.SetupException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * Turns parsed options into one crawl run: the settings, the backend, the outputs, the signal
 * handling, and the exit code. This is the CLI step of the data path; everything after it is the
 * scheduler core and a backend.
 */
final class CrawlLauncher {

    /**
     * How the crawl was asked for: the command line a resume repeats, and whether it was the demo,
     * which may replace its own earlier crawl without asking.
     */
    record Origin(List<String> args, boolean demo) {
        Origin {
            args = List.copyOf(args);
        }
    }

    private final CrawlOptions options;
    private final Origin origin;
    private final PrintStream out;
    private final PrintStream err;
    private volatile ProgressReporter progressSink;
    /** The live view of this run, or null with --no-ui. */
    private LiveView live;
    /** With --ui, after the run: released by Ctrl-C. */
    private volatile CountDownLatch uiHold;
    private boolean liveAnnounced;

    CrawlLauncher(CrawlOptions options, Origin origin, PrintStream out, PrintStream err) {
        this.options = options;
        this.origin = origin;
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

    /** A new crawl of {@code startUrl}, into an --output folder that holds no other crawl (or --force). */
    int run(String startUrl) {
        try {
            return crawl(startUrl);
        } finally {
            closeLiveView();
        }
    }

    private int crawl(String startUrl) {
        CrawlSettings settings;
        try {
            settings = settings(startUrl);
        } catch (IllegalArgumentException e) {
            err.println("rendler: " + e.getMessage());
            return ExitCode.USAGE;
        }
        Optional<Integer> noView = openLiveView(settings);
        if (noView.isPresent()) return noView.get();
        Path outDir = options.output.toAbsolutePath().normalize();
        Optional<Integer> refused = makeRoom(outDir);
        if (refused.isPresent()) return refused.get();
        Optional<Journal> journal = openJournal(outDir, () -> Journal.create(outDir, new JournalHeader(Journal.FORMAT,
                VersionInfo.build(), Instant.now(), origin.args(), origin.demo(), Journal.settingsJson(settings)), this::warn));
        if (journal.isEmpty()) return ExitCode.SETUP;
        return execute(new CrawlScheduler(settings), journal.get(), Optional.empty(), "crawling " + startUrl);
    }

    /**
     * Continues the crawl journaled in --output: the journal is replayed into a new core, pages cut
     * short are queued again, and the crawl runs on. Under Mesos the framework is taken back, and
     * its tasks still running are adopted rather than launched again.
     */
    int resume(JournalHeader header) {
        try {
            return resumeCrawl(header);
        } finally {
            closeLiveView();
        }
    }

    private int resumeCrawl(JournalHeader header) {
        Path outDir = options.output.toAbsolutePath().normalize();
        CrawlSettings settings;
        try {
            settings = settings(header.startUrl());
        } catch (IllegalArgumentException e) {
            err.println("rendler: the journal in " + shown() + " no longer gives valid settings: " + e.getMessage());
            return ExitCode.SETUP;
        }
        if (!Journal.settingsJson(settings).equals(header.settings())) {
            err.println("rendler: the crawl in " + shown() + " was started by rendler " + header.rendler()
                    + ", whose settings this rendler reads differently; start afresh with --force");
            return ExitCode.SETUP;
        }
        Optional<Integer> noView = openLiveView(settings);
        if (noView.isPresent()) return noView.get();
        JournalReplay.Replayed replayed;
        try {
            if (Journal.inUse(outDir)) {
                err.println("rendler: the crawl in " + shown() + " is still running in another rendler; stop that one first");
                return ExitCode.USAGE;
            }
            replayed = JournalReplay.replay(outDir, settings);
        } catch (JournalException e) {
            err.println("rendler: " + e.getMessage());
            return ExitCode.SETUP;
        } catch (IOException e) {
            err.println("rendler: cannot read the journal in " + outDir + ": " + IoReasons.of(e));
            return ExitCode.SETUP;
        }
        if (!options.quiet) replayed.notes().forEach(note -> err.println("rendler: " + note));
        CrawlScheduler core = replayed.core();
        boolean adopt = !options.master.equals("local") && replayed.mesos().isPresent();
        core.resume(adopt);
        if (core.isFinished()) {
            if (!options.quiet) err.println("rendler: the crawl of " + settings.startUrl() + " in " + shown() + " is already complete; writing its outputs again");
            return execute(core, CrawlRecorder.NONE, new NothingToRun(), null);
        }
        Optional<Journal> opened = openJournal(outDir, () -> replayed.reopen(this::warn));
        if (opened.isEmpty()) return ExitCode.SETUP;
        Journal journal = opened.get();
        journal.resumed(adopt, VersionInfo.build());
        Progress done = core.progress();
        String banner = "resuming the crawl of " + settings.startUrl() + " begun " + header.started() + ": " + done.crawled()
                + " crawled, " + done.rendered() + " rendered, " + (done.pendingCrawls() + done.pendingRenders()) + " tasks to go"
                + (adopt ? ", " + done.inFlight() + " to take back from Mesos" : "");
        return execute(core, journal, adopt ? replayed.mesos() : Optional.empty(), banner);
    }

    /** Opens a crawl's journal; throws what cannot be written. */
    private interface JournalOpener {
        Journal open() throws IOException;
    }

    /** Prepares the output folder and opens its journal; empty, having said why, when either fails. */
    private Optional<Journal> openJournal(Path outDir, JournalOpener opener) {
        try {
            prepareOutputDir(outDir, !options.noRender);
            return Optional.of(opener.open());
        } catch (SetupException e) {
            err.println("rendler: " + e.getMessage());
        } catch (IOException e) {
            err.println("rendler: cannot write the journal in " + outDir + ": " + IoReasons.of(e));
        }
        return Optional.empty();
    }

    private int execute(CrawlScheduler core, Journal journal, Optional<MesosRegistration> resumeAs, String banner) {
        announceLiveView();
        try (journal) {
            Path outDir = options.output.toAbsolutePath().normalize();
            ClusterBackend backend;
            try {
                backend = options.master.equals("local") ? localBackend(outDir)
                        : new MesosBackendFactory(options, this::note).create(outDir, resumeAs, journal::registered);
            } catch (SetupException e) {
                err.println("rendler: " + e.getMessage());
                return ExitCode.SETUP;
            }
            return execute(core, journal, backend, banner);
        }
    }

    /** Runs the crawl on {@code backend} and writes its outputs; {@code banner} (with the backend) is the first line. */
    private int execute(CrawlScheduler core, CrawlRecorder recorder, ClusterBackend backend, String banner) {
        announceLiveView();
        Path outDir = options.output.toAbsolutePath().normalize();
        ProgressReporter.Mode mode = options.quiet ? ProgressReporter.Mode.QUIET : ProgressReporter.detectMode();
        ProgressReporter progress = new ProgressReporter(err, mode, core.settings().maxPages(), core.settings().render());
        progressSink = progress;
        CrawlRun.Outputs outputs = (graph, summary) -> {
            OutputWriter.Written written = new OutputWriter().write(outDir, graph, summary);
            if (!options.quiet) err.println("rendler: " + written.graphvizNote());
            return written.timed();
        };
        LiveView view = live;
        if (view != null) {
            recorder = view.recorder(recorder);
            backend.clusterWatch().ifPresent(view::watchCluster);
        }
        CrawlRun run = new CrawlRun(core, recorder, backend, outputs, progress, options.grace, Optional.ofNullable(options.timeLimit));
        if (view != null) run.onStart(view::attach);
        CrawlSettings settings = core.settings();
        if (!options.quiet && banner != null) {
            err.println("rendler: " + banner + " (" + backend.describe() + ", " + settings.scope()
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
        if (view != null) view.finish(result.summary(), !result.written().isEmpty());
        return afterLiveView(exitCode(result, backend));
    }

    /** Reports the finished run and gives its exit code. */
    private int exitCode(CrawlRun.Result result, ClusterBackend backend) {
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
        // A start page robots.txt rules out (a dead host's robots.txt cannot be read) crawled nothing either.
        if (start.status() == PageStatus.CRAWL_FAILED || start.status() == PageStatus.SKIPPED_ROBOTS) {
            err.println("rendler: the start page failed: " + start.error());
            return ExitCode.START_PAGE_FAILED;
        }
        if (start.status() == PageStatus.UNFINISHED) {
            err.println("rendler: nothing was crawled: the run stopped (" + result.summary().stopReason()
                    + ") before the start page was done");
            return ExitCode.START_PAGE_FAILED;
        }
        return ExitCode.OK;
    }

    /**
     * Serves the live view unless --no-ui (its address is printed as the crawl starts, by
     * {@link #announceLiveView}); the exit code when it cannot be served where asked (a taken
     * --ui-port, a --ui-bind that is not this machine's).
     */
    private Optional<Integer> openLiveView(CrawlSettings settings) {
        if (options.noUi) {
            if (!options.ui) return Optional.empty();
            err.println("rendler: --ui keeps the live view up and --no-ui turns it off; give one of them");
            return Optional.of(ExitCode.USAGE);
        }
        if (options.uiPort != null && (options.uiPort < 1 || options.uiPort > 65535)) {
            err.println("rendler: --ui-port must be between 1 and 65535, not " + options.uiPort);
            return Optional.of(ExitCode.USAGE);
        }
        InetAddress bind;
        try {
            bind = InetAddress.getByName(options.uiBind);
        } catch (UnknownHostException e) {
            err.println("rendler: --ui-bind " + options.uiBind + ": unknown address");
            return Optional.of(ExitCode.USAGE);
        }
        boolean local = options.master.equals("local");
        LiveFeed.Settings shown = new LiveFeed.Settings(settings.startUrl(), settings.maxPages(), settings.maxDepth(),
                settings.render(), local ? "local" : "mesos", local ? null : options.master, options.crawlConcurrency,
                settings.render() ? options.renderConcurrency : 0);
        try {
            live = LiveView.start(bind, options.uiPort == null ? OptionalInt.empty() : OptionalInt.of(options.uiPort),
                    options.output.toAbsolutePath().normalize(), new LiveFeed(shown, System::currentTimeMillis, 256));
        } catch (LiveView.Unavailable e) {
            err.println("rendler: " + e.getMessage());
            return Optional.of(ExitCode.USAGE);
        }
        return Optional.empty();
    }

    /**
     * Prints where the live view is, once, as the crawl is about to start: a run refused before
     * then (a folder holding another crawl, a corrupt journal) says only why.
     */
    private void announceLiveView() {
        LiveView view = live;
        if (view == null || options.quiet || liveAnnounced) return;
        liveAnnounced = true;
        err.println("rendler: watch it live at " + view.url() + (view.address().getAddress().isAnyLocalAddress()
                ? " (it listens on every address: others open port " + view.address().getPort() + " of this machine)" : ""));
    }

    /**
     * After the run: with --ui the live view stays up until Ctrl-C (or SIGTERM); without it, the
     * browsers get a moment to receive the end before rendler exits.
     */
    private int afterLiveView(int exitCode) {
        LiveView view = live;
        if (view == null) return exitCode;
        try {
            if (options.ui) {
                CountDownLatch hold = new CountDownLatch(1);
                uiHold = hold;
                err.println("rendler: the crawl is over; its live view stays up at " + view.url() + " until Ctrl-C");
                hold.await();
            } else {
                view.awaitDelivered(Duration.ofSeconds(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return exitCode;
    }

    private void closeLiveView() {
        LiveView view = live;
        live = null;
        if (view != null) view.close();
    }

    /**
     * A new crawl must not mix with another one's journal and screenshots: with --force (or when
     * the demo finds its own earlier crawl) the old one is removed, otherwise the user is asked.
     */
    private Optional<Integer> makeRoom(Path outDir) {
        CrawlFolder folder = new CrawlFolder(outDir);
        try {
            if (Journal.inUse(outDir)) {
                err.println("rendler: " + shown() + " holds a crawl that a rendler still running is writing; stop that one first");
                return Optional.of(ExitCode.USAGE);
            }
            if (!folder.holdsCrawl()) return Optional.empty();
            Optional<JournalHeader> earlier = Optional.empty();
            String what;
            try {
                earlier = JournalReplay.exists(outDir) ? Optional.of(JournalReplay.readHeader(outDir)) : Optional.empty();
                what = earlier.map(h -> "a crawl of " + h.startUrl() + " begun " + h.started())
                        .orElse("the outputs of an earlier crawl, with no journal to resume from");
            } catch (JournalException e) {
                what = "a crawl whose journal cannot be read";
            }
            boolean ownDemo = origin.demo() && earlier.map(JournalHeader::demo).orElse(false);
            if (options.force || ownDemo) {
                folder.clear();
                if (!options.quiet) err.println("rendler: removed " + what + " from " + shown());
                return Optional.empty();
            }
            err.println("rendler: " + shown() + " holds " + what + "; "
                    + (earlier.isPresent() ? "continue it with 'rendler --resume -o " + shown() + "', or " : "") + "replace it with --force");
            return Optional.of(ExitCode.USAGE);
        } catch (IOException e) {
            err.println("rendler: cannot clear the earlier crawl from " + outDir + ": " + IoReasons.of(e));
            return Optional.of(ExitCode.SETUP);
        }
    }

    private String shown() {
        return options.output.toString();
    }

    /** A line about the run, through the progress reporter (which -q silences). */
    private void note(String line) {
        ProgressReporter sink = progressSink;
        if (sink != null) sink.note(line);
        else if (!options.quiet) err.println("rendler: " + line);
    }

    /** A problem worth seeing even with -q, such as a journal that cannot be written. */
    private void warn(String line) {
        if (options.quiet) err.println("rendler: " + line);
        else note(line);
    }

    /** For a crawl with nothing left to do: its outputs are written again from the journal. */
    private static final class NothingToRun implements ClusterBackend {
        @Override
        public String describe() {
            return "nothing left to run";
        }

        @Override
        public void start(CrawlCoordinator coordinator) {}

        @Override
        public void killRunning() {}

        @Override
        public void close() {}
    }

    private CrawlSettings settings(String startUrl) {
        if (options.fullPage && (options.maxHeight < options.viewport.height() || options.maxHeight > PageLimits.MAX_SCREENSHOT_HEIGHT)) {
            throw new IllegalArgumentException("--max-height must be between the viewport's height (" + options.viewport.height()
                    + ") and " + PageLimits.MAX_SCREENSHOT_HEIGHT + ", not " + options.maxHeight);
        }
        PageLimits limits = new PageLimits(options.pageTimeout.toMillis(), options.maxPageSize, options.maxRedirects,
                options.viewport.width(), options.viewport.height(),
                options.userAgent != null ? options.userAgent : VersionInfo.userAgent(),
                options.fullPage ? options.maxHeight : options.viewport.height());
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
     * The first Ctrl-C (or SIGTERM) stops launching work and lets the tasks in flight finish within
     * the grace period; a second one stops waiting for them, and the outputs are written from what is
     * known; a third exits at once. Chromium and Playwright's drivers run in sessions of their own, so
     * the terminal's SIGINT reaches only this JVM and pages in flight are not failed by it.
     */
    private void installStopSignals(CrawlRun run, ProgressReporter progress) {
        AtomicInteger signals = new AtomicInteger();
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    CountDownLatch hold = uiHold;
                    if (hold != null) { // the run is over; --ui kept its live view up until now
                        hold.countDown();
                        return;
                    }
                    switch (signals.incrementAndGet()) {
                        case 1 -> {
                            progress.note("SIG" + signal.getName() + ": stopping; press Ctrl-C again to stop waiting for pages in flight");
                            run.requestStop("interrupted");
                        }
                        case 2 -> {
                            progress.note("second SIG" + signal.getName() + ": not waiting for pages in flight; writing the outputs"
                                    + " (press Ctrl-C again to quit without them)");
                            run.stopWaiting();
                        }
                        default -> {
                            err.println("\nrendler: SIG" + signal.getName() + " again, exiting without writing the outputs");
                            Runtime.getRuntime().halt(ExitCode.INTERRUPTED);
                        }
                    }
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
