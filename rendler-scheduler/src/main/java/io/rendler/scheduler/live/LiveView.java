package io.rendler.scheduler.live;

import io.rendler.scheduler.core.Progress;
import io.rendler.scheduler.graph.GraphSnapshot;
import io.rendler.scheduler.graph.RunSummary;
import io.rendler.scheduler.http.RequestHead;
import io.rendler.scheduler.http.SmallHttpServer;
import io.rendler.scheduler.http.SmallHttpServer.Exchange;
import io.rendler.scheduler.run.CrawlCoordinator;
import io.rendler.scheduler.run.CrawlRecorder;
import io.rendler.scheduler.ui.ClusterWatch;
import io.rendler.scheduler.ui.UiAssets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * The live view of a run: a page on {@code http://127.0.0.1:4040/} that draws the crawl as it goes,
 * pushed to the browser with Server-Sent Events on {@code /events} (see {@link LiveFeed} for what
 * is sent). It runs on the same {@link SmallHttpServer} as the executors' file server, and serves
 * only its own files, the run's screenshots, and, once the run has ended, the finished outputs
 * (report.html, graph.svg, pages.json, rendler.dot) at the root, so the report's relative links work.
 *
 * <p>One thread, {@code live-feed}, ticks the feed every 250 ms and samples throughput once a second.
 */
public final class LiveView implements AutoCloseable {

    public static final int DEFAULT_PORT = 4040;
    public static final int LAST_DEFAULT_PORT = 4049;

    /** The port cannot be had; the message is the one line to print. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    static final Duration TICK = Duration.ofMillis(250);
    /** Bytes written to a browser between two checks of the stall deadline. */
    private static final int CHUNK = 64 * 1024;
    /**
     * @param heartbeat how often an idle event stream gets a comment, so proxies and the browser know it is alive
     * @param stall     how long one write may take before the client is cut off as stalled
     */
    record Timing(Duration heartbeat, Duration stall) {
        static final Timing DEFAULT = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    private static final int CLIENT_QUEUE = 256;
    private static final Set<String> OUTPUTS = Set.of("report.html", "graph.svg", "pages.json", "rendler.dot");
    private static final Pattern SCREENSHOT = Pattern.compile("/screenshots/([A-Za-z0-9][A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]+)*\\.png)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml", "json", "application/json", "dot", "text/vnd.graphviz; charset=utf-8",
            "png", "image/png", "txt", "text/plain; charset=utf-8");

    /**
     * The live page runs only our scripts, from here, and talks only to here: text from crawled
     * pages (URLs, errors) that slipped into the page as markup could not run, nor send anything away.
     */
    private static final String PAGE_POLICY = "Content-Security-Policy: default-src 'self'; img-src 'self' data: blob:;"
            + " style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'\r\n";

    private final LiveFeed feed;
    private final Timing timing;
    private final Path outputDir;
    private final SmallHttpServer server;
    private final String boundHost;
    /** Host names (lower case, IPv6 in brackets, no port) a request may name: see {@link #hostAllowed}. */
    private final Set<String> hostNames;
    /** A tick asked for by a new browser and not run yet; more such asks wait for that one. */
    private final AtomicBoolean tickPending = new AtomicBoolean();
    private final ScheduledExecutorService ticker;
    private volatile boolean finished;

    private LiveView(LiveFeed feed, Path outputDir, ServerSocket listener, Timing timing) {
        this.feed = feed;
        this.timing = timing;
        this.outputDir = outputDir;
        InetAddress bound = listener.getInetAddress();
        this.boundHost = hostLiteral(bound);
        this.hostNames = hostNames(bound);
        this.server = new SmallHttpServer("live-view", listener,
                new SmallHttpServer.Limits(Duration.ofSeconds(10), timing.stall(), 64, 24), this::serve);
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "live-feed");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleAtFixedRate(this::tickQuietly, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        ticker.scheduleAtFixedRate(this::sampleQuietly, 1000, 1000, TimeUnit.MILLISECONDS);
    }

    /**
     * Listens on {@code bind}: on {@code port} when one was given, else on the first free one of
     * 4040 to 4049, else on any free port.
     */
    public static LiveView start(InetAddress bind, OptionalInt port, Path outputDir, LiveFeed feed) throws Unavailable {
        return start(bind, port, outputDir, feed, Timing.DEFAULT);
    }

    static LiveView start(InetAddress bind, OptionalInt port, Path outputDir, LiveFeed feed, Timing timing) throws Unavailable {
        if (port.isPresent()) {
            try {
                return new LiveView(feed, outputDir, listen(bind, port.getAsInt()), timing);
            } catch (IOException e) {
                throw new Unavailable("--ui-port " + port.getAsInt() + " is not free on " + hostLiteral(bind) + " ("
                        + e.getMessage() + "); choose another, or leave --ui-port out to take a free one");
            }
        }
        for (int candidate = DEFAULT_PORT; candidate <= LAST_DEFAULT_PORT + 1; candidate++) {
            try {
                return new LiveView(feed, outputDir, listen(bind, candidate > LAST_DEFAULT_PORT ? 0 : candidate), timing);
            } catch (IOException e) {
                if (candidate > LAST_DEFAULT_PORT) {
                    throw new Unavailable("cannot serve the live view on " + hostLiteral(bind) + ": " + e.getMessage()
                            + " (choose another --ui-bind, or turn it off with --no-ui)");
                }
            }
        }
        throw new AssertionError("unreachable");
    }

    private static ServerSocket listen(InetAddress bind, int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(bind, port), 64);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /** The address to open, e.g. {@code http://127.0.0.1:4040/}; on a wildcard address, this machine's loopback one. */
    public String url() {
        InetSocketAddress address = server.address();
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : hostLiteral(address.getAddress());
        return "http://" + host + ":" + address.getPort() + "/";
    }

    public InetSocketAddress address() {
        return server.address();
    }

    public LiveFeed feed() {
        return feed;
    }

    /** A recorder that hands every change to {@code next} and tells the feed which pages changed. */
    public CrawlRecorder recorder(CrawlRecorder next) {
        return new LiveRecorder(next, feed);
    }

    /** Shows {@code watch}'s cluster (the Mesos backend's; local mode has none) from now on. */
    public void watchCluster(ClusterWatch watch) {
        submit(() -> feed.watchCluster(watch));
    }

    /** Reads the run through {@code coordinator} from now on. */
    public void attach(CrawlCoordinator coordinator) {
        feed.attach(new LiveFeed.Source() {
            @Override
            public GraphSnapshot snapshot() {
                return coordinator.snapshot();
            }

            @Override
            public GraphSnapshot snapshotOf(Collection<String> urls) {
                return coordinator.snapshotOf(urls);
            }

            @Override
            public Progress progress() {
                return coordinator.progress();
            }
        });
    }

    /** The run ended: tell the browsers, and serve its outputs from now on. */
    public void finish(RunSummary summary, boolean outputsWritten) {
        finished = outputsWritten;
        submit(() -> feed.finish(summary, outputsWritten));
    }

    /** Waits, up to {@code timeout}, until every browser has been sent everything, such as the end. */
    public boolean awaitDelivered(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (LiveClient client : feed.clients()) {
            if (!client.awaitWritten(deadline)) return false;
        }
        return true;
    }

    private void submit(Runnable task) {
        try {
            ticker.submit(task).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            // The live view is a window on the run; it never fails the run.
        }
    }

    /**
     * Throwable, not only RuntimeException: a periodic task that throws is cancelled for good, and the
     * browsers would go on getting heartbeats from a view that never changes again. After an Error
     * (say, out of memory) the browsers are dropped; they reconnect to a fresh snapshot.
     */
    private void tickQuietly() {
        tickPending.set(false);
        try {
            feed.tick();
        } catch (RuntimeException e) {
            // Next tick; a broken view must not stop the ticker.
        } catch (Error e) {
            feed.clients().forEach(LiveClient::drop);
        }
    }

    private void sampleQuietly() {
        try {
            feed.sample();
        } catch (RuntimeException | Error e) {
            // As above.
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        feed.close();
        server.close(Duration.ofSeconds(1));
    }

    // --- HTTP ---

    private void serve(Exchange exchange) throws IOException, RequestHead.Malformed {
        RequestHead head = exchange.head();
        if (!head.method().equals("GET") && !head.method().equals("HEAD")) {
            exchange.refuse(405, "the live view only answers GET and HEAD", "Allow: GET, HEAD\r\n");
            return;
        }
        if (!hostAllowed(head.headers().get("host"))) {
            // A page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) must not read this.
            exchange.respond(403, "this live view answers to this machine's own addresses and names only ("
                    + boundHost + ", 127.0.0.1, localhost)");
            return;
        }
        String path = head.path();
        switch (path) {
            case "/", "/index.html" -> text(exchange, "html", UiAssets.ours("live.html"), PAGE_POLICY);
            case "/live.js", "/live.css", "/graph-view.js", "/graph-view.css" -> ours(exchange, path.substring(1));
            case "/assets/cytoscape.min.js" -> text(exchange, "js", UiAssets.cytoscapeJs());
            case "/assets/cytoscape.LICENSE.txt" -> text(exchange, "txt", UiAssets.cytoscapeLicense());
            case "/events" -> events(exchange);
            default -> {
                String name = path.substring(1);
                if (OUTPUTS.contains(name)) {
                    file(exchange, finished ? outputDir.resolve(name) : null, false);
                } else if (SCREENSHOT.matcher(path).matches()) {
                    file(exchange, outputDir.resolve("screenshots").resolve(name.substring("screenshots/".length())), true);
                } else {
                    exchange.respond(404, "not here: the live view serves its page, the screenshots and the finished outputs");
                }
            }
        }
    }

    /**
     * The Host header must name this server, so that a web page elsewhere that points its own name
     * at this machine (DNS rebinding) cannot read it: by 127.0.0.1, localhost or [::1], by the bound
     * address, and when bound to every address, by any address or name of this machine.
     */
    boolean hostAllowed(String host) {
        if (host == null) return false;
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            if (end < 0) return false;
            name = name.substring(0, end + 1);
        } else {
            int colon = name.lastIndexOf(':');
            if (colon >= 0) name = name.substring(0, colon);
        }
        if (name.endsWith(".")) name = name.substring(0, name.length() - 1);
        return hostNames.contains(name);
    }

    private static Set<String> hostNames(InetAddress bound) {
        Set<String> names = new HashSet<>(List.of("127.0.0.1", "localhost", "[::1]", hostLiteral(bound)));
        if (!bound.isAnyLocalAddress()) return Set.copyOf(names);
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) names.add(hostLiteral(address));
            }
            InetAddress self = InetAddress.getLocalHost();
            names.add(self.getHostName().toLowerCase(Locale.ROOT));
            names.add(self.getCanonicalHostName().toLowerCase(Locale.ROOT));
        } catch (IOException e) {
            // The addresses found so far are what it answers to.
        }
        return Set.copyOf(names);
    }

    private static String hostLiteral(InetAddress address) {
        return address instanceof Inet6Address ? "[" + address.getHostAddress().replaceAll("%.*", "") + "]" : address.getHostAddress();
    }

    private void ours(Exchange exchange, String name) throws IOException {
        String body;
        try {
            body = UiAssets.ours(name);
        } catch (UncheckedIOException e) {
            exchange.respond(404, "not in this build: " + name);
            return;
        }
        text(exchange, name.substring(name.lastIndexOf('.') + 1), body);
    }

    private void text(Exchange exchange, String type, String body) throws IOException {
        text(exchange, type, body, "");
    }

    private void text(Exchange exchange, String type, String body, String moreHeaders) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = exchange.out();
        exchange.allow(timing.stall());
        SmallHttpServer.writeHead(out, 200, TYPES.get(type), bytes.length, safety() + moreHeaders);
        if (exchange.head().method().equals("GET")) out.write(bytes);
        out.flush();
    }

    /** One of the run's files, only as a regular file (no symbolic link), or 404. */
    private void file(Exchange exchange, Path file, boolean cacheable) throws IOException {
        if (file == null || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            exchange.respond(404, file == null ? "the outputs are served once the run has written them" : "no such file yet");
            return;
        }
        String name = file.getFileName().toString();
        OutputStream out = exchange.out();
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            exchange.allow(timing.stall());
            // A screenshot is written once and never changes, so the graph's thumbnails and the details
            // panel need not fetch it again; the other outputs are rewritten at the end.
            String headers = cacheable ? safety().replace("no-store", "private, max-age=3600") : safety();
            SmallHttpServer.writeHead(out, 200, TYPES.get(name.substring(name.lastIndexOf('.') + 1)), Files.size(file), headers);
            if (exchange.head().method().equals("GET")) {
                byte[] buffer = new byte[CHUNK];
                for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                    exchange.allow(timing.stall());
                    out.write(buffer, 0, n);
                }
            }
        }
        out.flush();
    }

    private static String safety() {
        return "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n";
    }

    /**
     * The event stream: a snapshot, then the feed's frames as they come, and a comment every
     * {@link Timing#heartbeat} so that proxies and the browser know it is alive. The stall cut-off is lifted
     * only while waiting for the next frame: a write must still finish within {@link Timing#stall}.
     */
    private void events(Exchange exchange) throws IOException {
        OutputStream out = exchange.out();
        exchange.allow(timing.stall());
        SmallHttpServer.writeHead(out, 200, "text/event-stream; charset=utf-8", -1, safety());
        if (exchange.head().method().equals("HEAD")) {
            out.flush();
            return;
        }
        out.write("retry: 1000\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        LiveClient client = feed.connect(exchange::cutOff);
        try {
            // The snapshot at once, not at the next tick; browsers arriving together share one.
            if (tickPending.compareAndSet(false, true)) ticker.execute(this::tickQuietly);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            feed.disconnect(client);
            return; // closing
        }
        try {
            while (!client.isDropped()) {
                exchange.allow(timing.heartbeat().plus(timing.stall()));
                String frame = client.next(timing.heartbeat().toMillis());
                if (client.isDropped()) break;
                byte[] bytes = (frame != null ? frame : ": heartbeat\n\n").getBytes(StandardCharsets.UTF_8);
                for (int at = 0; at < bytes.length; at += CHUNK) {
                    exchange.allow(timing.stall()); // per chunk: a slow link must keep moving, not finish a snapshot in one stall
                    out.write(bytes, at, Math.min(CHUNK, bytes.length - at));
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            feed.disconnect(client);
        }
    }
}
