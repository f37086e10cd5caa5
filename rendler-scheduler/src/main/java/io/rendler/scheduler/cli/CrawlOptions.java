package io.rendler.scheduler.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** The options shared by {@code rendler URL} and {@code rendler demo}. Defaults suit a first run. */
final class CrawlOptions {

    /**
     * The options that say what a crawl crawls. They are fixed for its life: a resume takes them
     * from the journal and refuses new values, while the others (how and where to run) may change.
     */
    static final Set<String> WHAT_TO_CRAWL = Set.of("--max-pages", "--max-depth", "--same-host", "--allow-domain",
            "--allow-prefix", "--no-render", "--viewport", "--page-timeout", "--max-page-size", "--max-redirects",
            "--max-attempts", "--user-agent", "--include", "--exclude", "--ignore-robots", "--full-page", "--max-height");

    // --- What to crawl ---
    @Option(names = "--max-pages", paramLabel = "N", defaultValue = "100", order = 10,
            description = "Stop admitting new pages after N pages (the start page counts). Default: ${DEFAULT-VALUE}.")
    int maxPages;

    @Option(names = "--max-depth", paramLabel = "N", defaultValue = "5", order = 11,
            description = "Follow links at most N clicks away from the start page. Default: ${DEFAULT-VALUE}.")
    int maxDepth;

    @Option(names = "--same-host", negatable = true, defaultValue = "true", fallbackValue = "true", order = 12,
            description = "Only follow links to the start URL's host and port (on by default; --no-same-host follows any host,"
                    + " so keep --max-pages small).")
    boolean sameHost;

    @Option(names = "--allow-domain", paramLabel = "DOMAIN", order = 13,
            description = "Follow links to DOMAIN and its subdomains instead of only the start host. Repeatable.")
    List<String> allowDomains = new ArrayList<>();

    @Option(names = "--allow-prefix", paramLabel = "URL", order = 14,
            description = "Follow only links that start with URL, e.g. https://example.org/docs/. Repeatable.")
    List<String> allowPrefixes = new ArrayList<>();

    @Option(names = "--allow-private", order = 16,
            description = "Let crawled pages reach loopback, private and link-local addresses (127.0.0.1, 10.x, 192.168.x,"
                    + " 169.254.x, ::1, fc00::/7, ...). Off by default: the crawler and the browser connect to such"
                    + " addresses only on the start URL's own host and port, so a page cannot make Rendler (or a Mesos"
                    + " agent) reach internal services.")
    boolean allowPrivate;

    @Option(names = "--include", paramLabel = "GLOB", order = 17,
            description = "Follow only links whose whole URL matches GLOB (repeatable; any one must match). In a GLOB"
                    + " ** matches anything, * anything but '/', ? one character but '/'. E.g. 'https://example.org/docs/**'.")
    List<String> includes = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB", order = 18,
            description = "Do not follow links whose whole URL matches GLOB (repeatable; wins over --include),"
                    + " e.g. '**/*.pdf' or '**/tag/**'.")
    List<String> excludes = new ArrayList<>();

    // --- Politeness ---
    @Option(names = "--ignore-robots", order = 25,
            description = "Do not fetch or obey robots.txt. By default each host's robots.txt is fetched once, before its"
                    + " first page; pages it disallows are neither fetched nor rendered (reported as skipped), and its"
                    + " Crawl-delay is kept.")
    boolean ignoreRobots;

    @Option(names = "--per-host-concurrency", paramLabel = "N", defaultValue = "0", order = 26,
            description = "At most N fetches and renders in flight to one host at once, across all executors."
                    + " Default: 0, no limit beyond --crawl-concurrency and --render-concurrency.")
    int perHostConcurrency;

    @Option(names = "--delay", paramLabel = "DURATION", order = 27, converter = Converters.DurationConverter.class,
            description = "Wait at least this long on each host between the end of one fetch or render and the start of"
                    + " the next, one at a time, e.g. 500ms. A longer robots.txt Crawl-delay wins. Default: none.")
    Duration delay;

    @Option(names = "--no-render", order = 15,
            description = "Crawl and draw the graph without screenshots (no Chromium needed, much faster).")
    boolean noRender;

    // --- Output ---
    @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "rendler-out", order = 20,
            description = "Write the journal (rendler.journal, which --resume continues from), rendler.dot, screenshots/,"
                    + " graph.svg, report.html and pages.json here. Default: ${DEFAULT-VALUE}.")
    Path output;

    @Option(names = {"-q", "--quiet"}, order = 21, description = "Print only the summary line and errors.")
    boolean quiet;

    @Option(names = "--force", order = 22,
            description = "Start afresh in an --output folder that holds another crawl: its journal, outputs and"
                    + " screenshots are removed first (other files stay). Without it rendler asks for --resume or --force.")
    boolean force;

    // --- Pages and browsers ---
    @Option(names = "--crawl-concurrency", paramLabel = "N", defaultValue = "8", order = 30,
            description = "Pages fetched at once. Default: ${DEFAULT-VALUE}.")
    int crawlConcurrency;

    @Option(names = "--render-concurrency", paramLabel = "N", defaultValue = "2", order = 31,
            description = "Pages rendered at once, each in its own headless Chromium that is reused from page to page."
                    + " Rendering is CPU-bound: about one per core is right. Default: ${DEFAULT-VALUE}.")
    int renderConcurrency;

    @Option(names = "--viewport", paramLabel = "WxH", defaultValue = "1280x800", order = 32,
            converter = Converters.ViewportConverter.class,
            description = "Screenshot size in CSS pixels. Default: ${DEFAULT-VALUE}.")
    Converters.Viewport viewport;

    @Option(names = "--full-page", order = 32,
            description = "Screenshot the whole page, not only the viewport: as tall as the page, up to --max-height.")
    boolean fullPage;

    @Option(names = "--max-height", paramLabel = "PX", defaultValue = "10000", order = 32,
            description = "With --full-page: the tallest screenshot, in CSS pixels; a longer page is cut there."
                    + " At most 16384, Chromium's limit. Default: ${DEFAULT-VALUE}.")
    int maxHeight;

    @Option(names = "--page-timeout", paramLabel = "DURATION", defaultValue = "15s", order = 33,
            converter = Converters.DurationConverter.class,
            description = "Give up on one fetch or one render after this long, however slowly the server trickles."
                    + " Default: ${DEFAULT-VALUE}.")
    Duration pageTimeout;

    @Option(names = "--max-page-size", paramLabel = "SIZE", defaultValue = "10MB", order = 34,
            converter = Converters.SizeConverter.class,
            description = "Read at most this much of a page; longer pages are cut and marked truncated. Default: ${DEFAULT-VALUE}.")
    long maxPageSize;

    @Option(names = "--max-redirects", paramLabel = "N", defaultValue = "10", order = 35,
            description = "Follow at most N redirects per page; more is reported as a redirect loop. Default: ${DEFAULT-VALUE}.")
    int maxRedirects;

    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "3", order = 36,
            description = "Attempts per task when an executor crashes, a result is lost, or the site answers 429 or 503"
                    + " (retried after its Retry-After, 1s without one). Default: ${DEFAULT-VALUE}.")
    int maxAttempts;

    @Option(names = "--chromium", paramLabel = "PATH", order = 37,
            description = "The Chromium or Chrome binary to render with. Default: $RENDLER_CHROMIUM, else a system"
                    + " Chromium (Debian's chromium-headless-shell, which renders the same PNGs with less CPU,"
                    + " then /usr/bin/chromium and friends), else Playwright's own browser.")
    Path chromium;

    @Option(names = "--chromium-arg", paramLabel = "ARG", order = 38, hidden = true,
            description = "An extra Chromium command-line flag. Repeatable. For tests and debugging.")
    List<String> chromiumArgs = new ArrayList<>();

    @Option(names = "--user-agent", paramLabel = "UA", order = 39,
            description = "The User-Agent header, sent by the crawler, the browser and the robots.txt fetch; its first"
                    + " word is the name robots.txt groups are matched against. Default: Rendler/VERSION (+URL).")
    String userAgent;

    // --- Stopping ---
    @Option(names = "--time-limit", paramLabel = "DURATION", order = 40, converter = Converters.DurationConverter.class,
            description = "Stop launching new work after this long, then finish up as for Ctrl-C.")
    Duration timeLimit;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "10s", order = 41,
            converter = Converters.DurationConverter.class,
            description = "After Ctrl-C or a time limit, wait this long for tasks in flight before writing the outputs."
                    + " Default: ${DEFAULT-VALUE}.")
    Duration grace;

    // --- Live view ---
    @Option(names = "--ui", order = 45,
            description = "Keep the live view up after the crawl ends, until Ctrl-C, so the finished graph and report can"
                    + " be walked through. Without it the live view closes when rendler exits.")
    boolean ui;

    @Option(names = "--no-ui", order = 46,
            description = "Serve no live view. By default every run serves one: a page that draws the link graph,"
                    + " the counters and the throughput as the crawl goes (and, with --master, the offers, tasks and"
                    + " messages between rendler and Mesos), pushed to the browser as they happen.")
    boolean noUi;

    @Option(names = "--ui-port", paramLabel = "PORT", order = 47,
            description = "The live view's port. Default: the first free one of 4040 to 4049, else any free port;"
                    + " a PORT given here that is taken is an error.")
    Integer uiPort;

    @Option(names = "--ui-bind", paramLabel = "ADDR", defaultValue = "127.0.0.1", order = 48,
            description = "The address the live view listens on. Default: ${DEFAULT-VALUE}, this machine only. To show"
                    + " it to a room, give an address the others can reach, or 0.0.0.0 for all: anyone who can"
                    + " reach it can watch (it serves the page, the screenshots and the finished outputs, read-only).")
    String uiBind;

    // --- Cluster ---
    @Option(names = "--master", paramLabel = "local|HOST:PORT", defaultValue = "local", order = 50,
            description = "Where tasks run. 'local' (default) runs both executors inside this process."
                    + " HOST:PORT registers with that Mesos master as a framework through the v1 HTTP API.")
    String master;

    @Option(names = "--principal", paramLabel = "NAME", order = 51,
            description = "Mesos only: the principal for HTTP Basic authentication and FrameworkInfo.principal.")
    String principal;

    @Option(names = "--secret-file", paramLabel = "FILE", order = 52,
            description = "Mesos only: a file holding the secret for --principal.")
    Path secretFile;

    @Option(names = "--role", paramLabel = "ROLE", defaultValue = "*", order = 53,
            description = "Mesos only: the role to receive offers for. Default: ${DEFAULT-VALUE}.")
    String role;

    @Option(names = "--mesos-user", paramLabel = "USER", order = 54,
            description = "Mesos only: the user tasks run as (FrameworkInfo.user). Default: the current user.")
    String mesosUser;

    @Option(names = "--failover-timeout", paramLabel = "DURATION", defaultValue = "5m", order = 55,
            converter = Converters.DurationConverter.class,
            description = "Mesos only: how long the master keeps our tasks running while this scheduler is"
                    + " disconnected. Default: ${DEFAULT-VALUE}.")
    Duration failoverTimeout;

    @Option(names = "--advertise-host", paramLabel = "HOST", order = 56,
            description = "Mesos only: the address agents use to reach this scheduler's file server (executor jars,"
                    + " screenshot uploads). Default: the address this machine uses to reach the master.")
    String advertiseHost;

    @Option(names = "--mesos-encoding", paramLabel = "json|protobuf", defaultValue = "protobuf", order = 58,
            converter = Converters.MesosEncodingConverter.class,
            description = "Mesos only: how the scheduler and the executors encode calls and events. protobuf costs"
                    + " the master, the agents and the executors less CPU; json is readable on the wire, for a"
                    + " workshop with tcpdump. Default: ${DEFAULT-VALUE}.")
    io.rendler.mesos.MesosEncoding mesosEncoding;

    @Option(names = "--file-server-bind", paramLabel = "ADDR", order = 57,
            description = "Mesos only: the local address the file server listens on. Default: the --advertise-host"
                    + " address. Use 0.0.0.0 for every interface, e.g. when agents reach this machine through NAT.")
    String fileServerBind;

    @Option(names = "--executor-jars", paramLabel = "DIR", order = 58,
            description = "Mesos only: where crawl-executor.jar and render-executor.jar are. Default: next to rendler.jar.")
    Path executorJars;
}
