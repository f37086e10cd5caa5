package io.rendler.scheduler.cli;

import io.rendler.scheduler.journal.JournalException;
import io.rendler.scheduler.journal.JournalHeader;
import io.rendler.scheduler.journal.JournalReplay;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code rendler --resume}: the command line the crawl was started with, read back from its
 * journal and parsed again, with the run options given now laid over it. Options that say what
 * to crawl cannot change, since the journal is only valid for the crawl it records.
 */
final class Resumption {

    private final CommandSpec spec;
    private final CrawlOptions given;
    private final String url;

    Resumption(CommandSpec spec, CrawlOptions given, String url) {
        this.spec = spec;
        this.given = given;
        this.url = url;
    }

    int run() {
        ParseResult now = spec.commandLine().getParseResult();
        if (url != null) return usage("--resume continues the crawl in --output; give no URL with it");
        if (given.force) return usage("--resume and --force contradict each other: --force starts afresh");
        for (OptionSpec option : now.matchedOptions()) {
            if (CrawlOptions.WHAT_TO_CRAWL.contains(option.longestName())) {
                return usage(option.longestName() + " is part of the crawl in " + given.output + " and cannot change on resume;"
                        + " start a new crawl with --force to change it");
            }
        }
        Path dir = given.output.toAbsolutePath().normalize();
        JournalHeader header;
        try {
            header = JournalReplay.readHeader(dir);
        } catch (JournalException e) {
            System.err.println("rendler: " + e.getMessage());
            return JournalReplay.exists(dir) ? ExitCode.SETUP : ExitCode.USAGE;
        }
        CommandLine original = RendlerCommand.commandLine();
        ParseResult then;
        try {
            then = original.parseArgs(header.args().toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            System.err.println("rendler: the command line in " + given.output + "'s journal no longer parses (" + e.getMessage()
                    + "); start afresh with --force");
            return ExitCode.SETUP;
        }
        DemoCommand demo = then.subcommand() == null ? null : then.subcommand().commandSpec().commandLine().getCommand();
        if (demo != null) demo.adoptOptionsGivenBeforeDemo();
        CommandSpec target = demo != null ? then.subcommand().commandSpec() : original.getCommandSpec();
        CrawlOptions options = demo != null ? demo.options : original.<RendlerCommand>getCommand().options;
        for (OptionSpec option : now.matchedOptions()) {
            OptionSpec same = target.findOption(option.longestName());
            if (same != null) same.setValue(option.getValue());
        }
        options.output = given.output;
        options.force = false;
        // The live view's options are how this run runs: asking for it now (--ui, --ui-port, --ui-bind)
        // wins over a --no-ui given then, and --no-ui now over a --ui given then.
        if (now.hasMatchedOption("--no-ui")) {
            options.ui = false;
        } else if (now.hasMatchedOption("--ui") || now.hasMatchedOption("--ui-port") || now.hasMatchedOption("--ui-bind")) {
            options.noUi = false;
        }
        CrawlLauncher launcher = new CrawlLauncher(options, new CrawlLauncher.Origin(header.args(), header.demo()), System.out, System.err);
        if (demo == null) return launcher.resume(header);
        try {
            return demo.resume(header, launcher);
        } catch (IOException e) {
            System.err.println("rendler: " + e.getMessage());
            return ExitCode.SETUP;
        }
    }

    private static int usage(String message) {
        System.err.println("rendler: " + message);
        return ExitCode.USAGE;
    }
}
