package io.rendler.scheduler.cli;

import io.rendler.scheduler.demo.DemoSite;
import io.rendler.scheduler.journal.JournalHeader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Serves the bundled sample site on 127.0.0.1 and crawls it: 30-odd interlinked pages with images, CSS, "
                    + "a few broken links and a link cycle. Needs no network, so it is the way to try Rendler in a "
                    + "workshop or on an offline machine. Takes every option 'rendler URL' takes.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  rendler demo",
            "      crawl and render the sample site into rendler-out/",
            "  rendler demo --serve",
            "      only serve the site, to crawl it from elsewhere",
            "  rendler demo --bind 192.168.56.1 --master 192.168.56.10:5050 \\",
            "        --advertise-host 192.168.56.1",
            "      crawl it on the Vagrant cluster from the host",
            "",
            ExitCode.HELP_SECTION
        })
final class DemoCommand implements Callable<Integer> {

    @Mixin
    CrawlOptions options;

    @Option(names = "--serve", order = 1, description = "Serve the sample site and print its URL until Ctrl-C, without crawling.")
    boolean serveOnly;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0", order = 2,
            description = "Port for the sample site. Default: any free port.")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", order = 3,
            description = "Address to serve the sample site on. Use one the Mesos agents can reach when crawling it"
                    + " with --master, e.g. 192.168.56.1 for the Vagrant VM. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        adoptOptionsGivenBeforeDemo();
        Optional<InetAddress> bound = bindAddress();
        if (bound.isEmpty()) return ExitCode.USAGE;
        InetAddress address = bound.get();
        try (DemoSite site = DemoSite.start(address, port)) {
            if (serveOnly) {
                System.out.println("rendler: serving the sample site at " + site.startUrl() + " (Ctrl-C to stop)");
                Thread.currentThread().join();
                return ExitCode.OK;
            }
            if (!options.quiet) System.err.println("rendler: serving the sample site at " + site.startUrl());
            List<String> args = spec.parent() != null ? spec.parent().commandLine().getParseResult().originalArgs()
                    : spec.commandLine().getParseResult().originalArgs();
            return new CrawlLauncher(options, new CrawlLauncher.Origin(args, true), System.out, System.err).run(site.startUrl());
        }
    }

    /** The --bind address; empty, having said why, when it does not resolve. */
    private Optional<InetAddress> bindAddress() {
        try {
            return Optional.of(InetAddress.getByName(bind));
        } catch (UnknownHostException e) {
            System.err.println("rendler: --bind " + bind + ": unknown address");
            return Optional.empty();
        }
    }

    /**
     * Resumes a demo crawl: the sample site is served again where the crawl knew it, {@code startUrl}'s
     * port on the --bind address, so that its pages keep their URLs.
     */
    int resume(JournalHeader header, CrawlLauncher launcher) throws IOException {
        URI start = URI.create(header.startUrl());
        Optional<InetAddress> bound = bindAddress();
        if (bound.isEmpty()) return ExitCode.USAGE;
        InetAddress address = bound.get();
        DemoSite site;
        try {
            site = DemoSite.start(address, start.getPort());
        } catch (IOException e) {
            System.err.println("rendler: cannot serve the sample site on port " + start.getPort() + " again, where the crawl"
                    + " knew it: " + IoReasons.of(e));
            return ExitCode.SETUP;
        }
        try (site) {
            if (!options.quiet) System.err.println("rendler: serving the sample site at " + site.startUrl() + " again");
            return launcher.resume(header);
        }
    }

    /**
     * {@code rendler --max-pages 5 demo} reads as naturally as {@code rendler demo --max-pages 5}, but
     * picocli gives options before {@code demo} to the top-level command. Each one is applied here,
     * unless the same option was also given after {@code demo}, which then wins.
     */
    void adoptOptionsGivenBeforeDemo() {
        if (spec.parent() == null) return;
        ParseResult before = spec.parent().commandLine().getParseResult();
        ParseResult after = spec.commandLine().getParseResult();
        if (before == null) return;
        for (OptionSpec given : before.matchedOptions()) {
            OptionSpec own = spec.findOption(given.longestName());
            if (own != null && (after == null || !after.hasMatchedOption(own))) own.setValue(given.getValue());
        }
    }
}
