package io.rendler.scheduler.cli;

import io.rendler.common.JvmExit;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "rendler",
        mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        subcommands = {DemoCommand.class},
        sortOptions = false,
        usageHelpAutoWidth = true,
        customSynopsis = {"@|bold rendler|@ [OPTIONS] URL", "       @|bold rendler|@ --resume [-o DIR] [RUN OPTIONS]",
            "       @|bold rendler demo|@ [OPTIONS]", ""},
        description = {
            "Crawls a web site breadth-first from URL, screenshots every page with headless Chromium, and draws the link graph.",
            "",
            "Each page gets a crawl task (fetch it, extract its links) and a render task (take a PNG screenshot). "
                    + "The scheduler turns new links into new tasks until the limits stop it, then writes rendler.dot "
                    + "(Graphviz, one node per page showing its screenshot), screenshots/, graph.svg (when Graphviz is "
                    + "installed), report.html and pages.json into --output.",
            "",
            "By default everything runs on this machine. With --master HOST:PORT the same crawl runs on an Apache Mesos "
                    + "cluster: rendler registers as a framework and the agents run the crawl and render executors.",
            "",
            "While it runs, rendler serves a live view on http://127.0.0.1:4040/ (the address is printed at the start): "
                    + "the link graph growing page by page with its screenshots, the counters, the throughput and, with "
                    + "--master, the offers, tasks and messages between rendler and Mesos. The browser is told of each "
                    + "change as it happens. --ui keeps it up after the crawl until Ctrl-C; --no-ui turns it off.",
            "",
            "Every crawl keeps a journal (rendler.journal) in --output as it goes. If it is interrupted, however hard "
                    + "(Ctrl-C, a time limit, kill -9, a crash), 'rendler --resume -o DIR' continues it with its original "
                    + "settings: finished pages are not fetched or rendered again. On Mesos the resumed scheduler takes its "
                    + "framework back, with the tasks still running, if it starts within --failover-timeout.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  rendler demo",
            "      crawl and render the bundled sample site (no network needed)",
            "  rendler https://example.org/",
            "      crawl and render up to 100 pages of example.org",
            "  rendler --max-pages 20 --viewport 800x600 https://example.org/",
            "      at most 20 pages, with smaller screenshots",
            "  rendler --no-render --max-pages 5000 https://example.org/docs/",
            "      the link graph of a large site, without screenshots",
            "  rendler --master 192.168.56.10:5050 https://example.org/",
            "      the same crawl on a Mesos cluster (README: Run on a Mesos cluster)",
            "  rendler demo --ui --ui-bind 0.0.0.0",
            "      crawl the sample site and show it live to the room; the page stays up after the crawl",
            "  rendler --resume -o rendler-out",
            "      continue the interrupted crawl in rendler-out/",
            "",
            ExitCode.HELP_SECTION
        })
public final class RendlerCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "URL", description = "The http or https URL to start from.")
    String url;

    @Option(names = "--resume", order = 1,
            description = "Continue the crawl in --output (default rendler-out) where it stopped, with the settings it was"
                    + " started with; give no URL. Finished pages are not done again, pages in flight are. Options about how"
                    + " to run (--master, concurrency, --time-limit, -q, ...) may be given again; options about what to"
                    + " crawl (--max-pages, scope, --viewport, ...) may not. A finished crawl just has its outputs written again.")
    boolean resume;

    @Mixin
    CrawlOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (resume) return new Resumption(spec, options, url).run();
        if (url == null) {
            spec.commandLine().getErr().println("rendler: missing URL. Try 'rendler demo', or 'rendler --help' for usage.");
            return ExitCode.USAGE;
        }
        CrawlLauncher launcher = new CrawlLauncher(options,
                new CrawlLauncher.Origin(spec.commandLine().getParseResult().originalArgs(), false), System.out, System.err);
        return launcher.parseStartUrl(url).map(launcher::run).orElse(ExitCode.USAGE);
    }

    public static void main(String[] args) {
        // Libraries log through java.util.logging; a user wants our progress lines, not their INFO chatter.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        JvmExit.exit(commandLine().execute(args));
    }

    /** The configured command line; tests run it in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new RendlerCommand());
        HelpLayout.install(cli);
        cli.setParameterExceptionHandler((ex, params) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("rendler: " + ex.getMessage());
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println("rendler: internal error: " + ex);
            ex.printStackTrace(cmd.getErr());
            return ExitCode.INTERNAL_ERROR;
        });
        return cli;
    }
}
