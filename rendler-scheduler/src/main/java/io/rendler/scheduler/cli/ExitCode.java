package io.rendler.scheduler.cli;

/** The process exit codes, as documented in {@code rendler --help} and the README. */
public final class ExitCode {
    /** The crawl ran to the end, or to a limit. Individual pages may have failed; the report lists them. */
    public static final int OK = 0;
    /** An unexpected internal error. Outputs for what was crawled are still written when possible. */
    public static final int INTERNAL_ERROR = 1;
    /** Bad command line: an unknown option, a bad value, a malformed start URL. Nothing was crawled. */
    public static final int USAGE = 2;
    /**
     * Nothing was crawled: the start page itself failed (dead host, HTTP error, timeout), or the run
     * stopped (--time-limit) before it was done, or robots.txt ruled it out. Outputs are written.
     */
    public static final int START_PAGE_FAILED = 3;
    /** The environment is not ready: no Chromium, an unwritable output directory, an unreachable Mesos master. */
    public static final int SETUP = 4;
    /** Stopped by Ctrl-C or SIGTERM. Everything crawled before the stop is written. */
    public static final int INTERRUPTED = 130;

    private ExitCode() {}

    static final String HELP_SECTION = """
            Exit codes:
              0    the crawl ran to the end or to a limit (some pages may have failed; see report.html)
              2    bad command line or malformed start URL (or a --ui-port that is taken)
              3    nothing was crawled: the start page failed, or --time-limit came first
              4    setup problem: no Chromium, output directory not writable, Mesos master unreachable
              130  stopped by Ctrl-C or SIGTERM; everything crawled so far is written (pages in
                   flight get --grace to finish; a second Ctrl-C stops waiting for them)
              1    internal error""";
}
