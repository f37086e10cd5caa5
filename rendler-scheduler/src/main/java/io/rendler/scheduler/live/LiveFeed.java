package io.rendler.scheduler.live;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.rendler.scheduler.core.Progress;
import io.rendler.scheduler.graph.GraphSnapshot;
import io.rendler.scheduler.graph.Link;
import io.rendler.scheduler.graph.PageRecord;
import io.rendler.scheduler.graph.RunSummary;
import io.rendler.scheduler.ui.ClusterActivity;
import io.rendler.scheduler.ui.ClusterView;
import io.rendler.scheduler.ui.ClusterWatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * What the live view's browsers are told, as Server-Sent Events frames: a {@code snapshot} when one
 * connects, then what changed, batched once per {@link #tick} (every 250 ms): {@code pages}
 * (upserts), {@code links}, {@code progress}, {@code samples}, {@code cluster}, {@code activity};
 * and {@code done} at the end.
 *
 * <p>It costs next to nothing while no browser watches: the recorder's marks ({@link #pageTouched})
 * return at once, and a tick without clients returns at once. Only {@link #sample} runs always,
 * once a second. While someone watches, the recorder notes which pages changed (O(1), under the
 * coordinator's lock), and each tick reads just those pages back ({@link Source#snapshotOf}).
 *
 * <p>Not thread-safe apart from the marks, {@link #connect} and {@link #disconnect}: the ticks,
 * samples and the end run on one thread (see {@link LiveView}). It has no threads or sockets.
 */
public final class LiveFeed {

    /** Where the feed reads the crawl: the coordinator, or a fake in tests. */
    public interface Source {
        GraphSnapshot snapshot();

        GraphSnapshot snapshotOf(Collection<String> urls);

        Progress progress();
    }

    /** What a browser shows about the run that never changes: the --settings summary and the workers. */
    public record Settings(String startUrl, int maxPages, int maxDepth, boolean render, String backend, String master,
                           int crawlWorkers, int renderWorkers) {}

    static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .serializeNulls()
            .disableHtmlEscaping()
            .create();

    /** How often a full comparison catches links that no page's own change revealed. */
    private static final long RECONCILE_EVERY_MILLIS = 5_000;
    private static final long CLUSTER_EVERY_MILLIS = 1_000;
    private static final int MAX_ACTIVITY_BACKLOG = 500;

    private final Settings settings;
    private ClusterWatch cluster;
    private final LongSupplier millis;
    private final long startMillis;
    private final int clientCapacity;
    private final ThroughputHistory history = new ThroughputHistory(1800);
    private AutoCloseable activityHandle;

    private volatile Source source;
    private volatile boolean watching;
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final Map<String, String> taskUrls = new ConcurrentHashMap<>();
    private final AtomicBoolean reconcileWanted = new AtomicBoolean();
    private final ArrayDeque<ClusterActivity> activity = new ArrayDeque<>(); // guarded by itself
    private final ConcurrentLinkedQueue<LiveClient> joining = new ConcurrentLinkedQueue<>();
    private final List<LiveClient> clients = new CopyOnWriteArrayList<>();

    // Feed thread only: what every client in `clients` has been sent.
    private final Map<String, PageRecord> sentPages = new LinkedHashMap<>();
    private final Set<Link> sentLinks = new LinkedHashSet<>();
    private Progress sentProgress;
    private ClusterView sentCluster;
    private long lastReconcile;
    /** How long the last whole-graph read took: it holds the crawl's lock, so big graphs are read less often. */
    private long reconcileCostMillis;
    private long lastCluster;
    private boolean changedSinceReconcile;
    private final List<ThroughputHistory.Sample> newSamples = new ArrayList<>();
    private String done;

    /**
     * @param millis         a wall clock in milliseconds; tests pass their own
     * @param clientCapacity frames a client may have waiting before it is dropped
     */
    public LiveFeed(Settings settings, LongSupplier millis, int clientCapacity) {
        this.settings = settings;
        this.millis = millis;
        this.startMillis = millis.getAsLong();
        this.clientCapacity = clientCapacity;
    }

    /** The Mesos cluster as the framework sees it, to show beside the graph; local mode has none. Feed thread. */
    public void watchCluster(ClusterWatch watch) {
        if (watch == null || cluster != null) return;
        cluster = watch;
        activityHandle = watch.listen(this::heard);
    }

    /** The crawl to read from; until then ticks send nothing and snapshots wait. */
    public void attach(Source source) {
        this.source = source;
    }

    // --- Marks, from the recorder under the coordinator's lock: O(1), and nothing without clients. ---

    /** A page's record may have changed. */
    void pageTouched(String url) {
        if (watching) dirty.add(url);
    }

    /** A task was handed out for {@code url}, whose end will name only its id. */
    void taskLaunched(String taskId, String url) {
        if (!watching) return;
        taskUrls.put(taskId, url);
        dirty.add(url);
    }

    /** A task's result was applied (its page is marked by URL); its end needs no more notice. */
    void taskAnswered(String taskId) {
        if (watching) taskUrls.remove(taskId);
    }

    /** A task's end changed its page. */
    void taskTouched(String taskId) {
        if (!watching) return;
        String url = taskUrls.remove(taskId);
        if (url != null) dirty.add(url);
        else reconcileWanted.set(true); // launched before anyone watched: compare everything next tick
    }

    /** Something changed pages the feed cannot name, e.g. robots.txt ruling some out. */
    void somethingTouched() {
        if (watching) reconcileWanted.set(true);
    }

    private void heard(ClusterActivity event) {
        if (!watching) return;
        synchronized (activity) {
            if (activity.size() == MAX_ACTIVITY_BACKLOG) activity.poll();
            activity.add(event);
        }
    }

    // --- Clients, from their connections' threads. ---

    /** A browser connected; it gets a snapshot on the next tick, then every change. */
    public LiveClient connect(Runnable onDrop) {
        LiveClient client = new LiveClient(clientCapacity, onDrop);
        watching = true;
        joining.add(client);
        return client;
    }

    public void disconnect(LiveClient client) {
        joining.remove(client);
        clients.remove(client);
    }

    /** Browsers connected now. */
    public int clientCount() {
        return clients.size() + joining.size();
    }

    public List<LiveClient> clients() {
        return List.copyOf(clients);
    }

    // --- The feed thread. ---

    /** Takes one throughput sample; call once a second, always. */
    public void sample() {
        Source from = source;
        if (from == null) return;
        Progress p = from.progress();
        var sample = new ThroughputHistory.Sample(millis.getAsLong() - startMillis, p.admitted(), p.crawled(), p.rendered(), p.failed());
        if (history.add(sample) && watching) newSamples.add(sample);
    }

    /** Sends what changed since the last tick to every client, and a snapshot to those who just connected. */
    public void tick() {
        Source from = source;
        clients.removeIf(LiveClient::isDropped);
        if (clients.isEmpty() && joining.isEmpty()) {
            if (watching) stopWatching();
            return;
        }
        if (from == null) return;
        if (!clients.isEmpty()) broadcast(changes(from, false));
        if (!joining.isEmpty()) welcome(from);
    }

    /**
     * The run is over: the last changes, then {@code done} with the summary and, when the outputs
     * were written, the report's address. Later clients get it in their snapshot.
     */
    public void finish(RunSummary summary, boolean outputsWritten) {
        Source from = source;
        if (from != null && !clients.isEmpty()) broadcast(changes(from, true));
        done = GSON.toJson(new Done(new SummaryJson(summary.startUrl(), summary.crawled(), summary.rendered(), summary.failed(),
                summary.edges(), summary.elapsed().toMillis(), summary.stopReason()), summary.line(),
                outputsWritten ? "report.html" : null));
        broadcast(List.of(frame("done", done)));
        if (!joining.isEmpty()) tick();
    }

    public boolean isFinished() {
        return done != null;
    }

    /** Stops hearing the cluster. */
    public void close() {
        if (activityHandle != null) {
            try {
                activityHandle.close();
            } catch (Exception e) {
                // Nothing more will be heard either way.
            }
        }
        for (LiveClient client : clients) client.drop();
        for (LiveClient client : joining) client.drop();
    }

    private void stopWatching() {
        watching = false;
        dirty.clear();
        taskUrls.clear();
        reconcileWanted.set(false);
        synchronized (activity) {
            activity.clear();
        }
        sentPages.clear();
        sentLinks.clear();
        sentProgress = null;
        sentCluster = null;
        newSamples.clear();
    }

    private List<String> changes(Source from, boolean full) {
        long now = millis.getAsLong();
        List<String> frames = new ArrayList<>();
        List<String> urls = drainDirty();
        if (!urls.isEmpty()) changedSinceReconcile = true;
        boolean reconcile = full || reconcileWanted.getAndSet(false) || (changedSinceReconcile
                && now - lastReconcile >= Math.max(RECONCILE_EVERY_MILLIS, 100 * reconcileCostMillis));
        GraphSnapshot part = reconcile ? from.snapshot() : urls.isEmpty() ? null : from.snapshotOf(urls);
        if (reconcile) {
            reconcileCostMillis = millis.getAsLong() - now;
            lastReconcile = now;
            changedSinceReconcile = false;
        }
        if (part != null) {
            List<PageRecord> pages = new ArrayList<>();
            for (PageRecord page : part.pages()) {
                if (!page.equals(sentPages.put(page.url(), page))) pages.add(page);
            }
            List<Link> links = new ArrayList<>();
            for (Link link : part.links()) {
                // A link to a page that is not in the graph yet waits until the page is.
                if (sentPages.containsKey(link.to()) && sentLinks.add(link)) links.add(link);
            }
            if (!pages.isEmpty()) frames.add(frame("pages", GSON.toJson(pages)));
            if (!links.isEmpty()) frames.add(frame("links", GSON.toJson(links)));
        }
        Progress progress = from.progress();
        if (!progress.equals(sentProgress) || !frames.isEmpty()) {
            sentProgress = progress;
            frames.add(frame("progress", GSON.toJson(progressJson(progress, now))));
        }
        if (!newSamples.isEmpty()) {
            frames.add(frame("samples", GSON.toJson(newSamples)));
            newSamples.clear();
        }
        List<ClusterActivity> heard;
        synchronized (activity) {
            heard = List.copyOf(activity);
            activity.clear();
        }
        if (!heard.isEmpty()) frames.add(frame("activity", GSON.toJson(heard)));
        if (cluster != null && (full || now - lastCluster >= CLUSTER_EVERY_MILLIS)) {
            lastCluster = now;
            ClusterView view = withoutRecent(cluster.view()); // the activity frames carry those
            if (!Objects.equals(view, sentCluster)) {
                sentCluster = view;
                frames.add(frame("cluster", GSON.toJson(view)));
            }
        }
        return frames;
    }

    private List<String> drainDirty() {
        if (dirty.isEmpty()) return List.of();
        List<String> urls = new ArrayList<>(dirty.size());
        for (var it = dirty.iterator(); it.hasNext(); ) {
            urls.add(it.next());
            it.remove();
        }
        return urls;
    }

    /** Snapshots for the clients who just connected, made of exactly what the others have been sent. */
    private void welcome(Source from) {
        long now = millis.getAsLong();
        if (clients.isEmpty()) {
            // The first to watch: what was sent is now the whole graph. Marks made from here on are
            // after the snapshot is read, so they come in the next tick.
            watching = true;
            dirty.clear();
            taskUrls.clear();
            reconcileWanted.set(false);
            newSamples.clear();
            synchronized (activity) {
                activity.clear();
            }
            GraphSnapshot all = from.snapshot();
            sentPages.clear();
            sentLinks.clear();
            for (PageRecord page : all.pages()) sentPages.put(page.url(), page);
            sentLinks.addAll(all.links());
            sentProgress = from.progress();
            sentCluster = cluster == null ? null : withoutRecent(cluster.view());
            lastReconcile = now;
            lastCluster = now;
            changedSinceReconcile = false;
        }
        Progress progress = sentProgress != null ? sentProgress : from.progress();
        GraphSnapshot sent = new GraphSnapshot(List.copyOf(sentPages.values()), List.copyOf(sentLinks));
        String snapshot = frame("snapshot", GSON.toJson(new Snapshot(settings, startMillis, sent.pages(),
                sent.linkIndexes(), progressJson(progress, now), history.all(), sentCluster,
                cluster == null ? null : cluster.view().recent(), done == null ? null : GSON.fromJson(done, Done.class))));
        for (LiveClient client; (client = joining.poll()) != null; ) {
            if (client.offer(snapshot)) clients.add(client);
        }
    }

    private static ClusterView withoutRecent(ClusterView view) {
        return new ClusterView(view.master(), view.frameworkId(), view.state(), view.suppressed(), view.totals(), view.agents(),
                List.of());
    }

    private void broadcast(List<String> frames) {
        if (frames.isEmpty()) return;
        for (LiveClient client : clients) {
            for (String frame : frames) {
                if (!client.offer(frame)) {
                    clients.remove(client);
                    break;
                }
            }
        }
    }

    private ProgressJson progressJson(Progress p, long now) {
        return new ProgressJson(p.admitted(), p.crawled(), p.rendered(), p.failed(), p.pendingCrawls() + p.pendingRenders(),
                p.pendingCrawls(), p.pendingRenders(), p.inFlight(), p.runningCrawls(), p.runningRenders(), sentLinks.size(),
                now - startMillis);
    }

    /** One Server-Sent Events frame; gson writes JSON on one line. */
    static String frame(String event, String json) {
        return "event: " + event + "\ndata: " + json + "\n\n";
    }

    // The JSON shapes, named as pages.json names them (lower case with underscores).

    record ProgressJson(int admitted, int crawled, int rendered, int failed, int queued, int queuedCrawls,
                        int queuedRenders, int inFlight, int runningCrawls, int runningRenders, int links, long elapsedMillis) {}

    record SummaryJson(String startUrl, int crawled, int rendered, int failed, int edges, long elapsedMillis, String stopReason) {}

    record Done(SummaryJson summary, String line, String report) {}

    /** {@code links} are [from, to] indexes into {@code pages}. */
    record Snapshot(Settings settings, long startedMillis, List<PageRecord> pages, List<int[]> links, ProgressJson progress,
                    List<ThroughputHistory.Sample> samples, ClusterView cluster, List<ClusterActivity> activity, Done done) {}

    /** For tests: pages sent so far. */
    int pagesSent() {
        return sentPages.size();
    }

    /** For tests: whether marks are being kept. */
    boolean isWatching() {
        return watching;
    }
}
