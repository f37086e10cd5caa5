package io.rendler.scheduler.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rendler.scheduler.core.Progress;
import io.rendler.scheduler.graph.GraphSnapshot;
import io.rendler.scheduler.graph.Link;
import io.rendler.scheduler.graph.PageRecord;
import io.rendler.scheduler.graph.PageStatus;
import io.rendler.scheduler.graph.RunSummary;
import io.rendler.scheduler.ui.ClusterActivity;
import io.rendler.scheduler.ui.ClusterView;
import io.rendler.scheduler.ui.ClusterWatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The live feed without sockets or threads: a fake crawl in, Server-Sent Events frames out. */
class LiveFeedTest {

    private static final String A = "http://site/a";
    private static final String B = "http://site/b";
    private static final String C = "http://site/c";

    /** A crawl the test edits by hand, counting how often the feed reads it. */
    private static final class FakeCrawl implements LiveFeed.Source {
        final Map<String, PageRecord> pages = new LinkedHashMap<>();
        final List<Link> links = new ArrayList<>();
        Progress progress = new Progress(0, 0, 0, 0, 0, 0, 0, 0);
        final AtomicInteger reads = new AtomicInteger();

        void page(String url, PageStatus status) {
            pages.put(url, new PageRecord(url, 0, status, url, 200, "text/html", null, null, false, 1, 0, 1, 0));
            progress = new Progress(pages.size(), 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public GraphSnapshot snapshot() {
            reads.incrementAndGet();
            return new GraphSnapshot(List.copyOf(pages.values()), links);
        }

        @Override
        public GraphSnapshot snapshotOf(Collection<String> urls) {
            reads.incrementAndGet();
            return new GraphSnapshot(urls.stream().filter(pages::containsKey).map(pages::get).toList(),
                    links.stream().filter(l -> urls.contains(l.from())).toList());
        }

        @Override
        public Progress progress() {
            reads.incrementAndGet();
            return progress;
        }
    }

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final FakeCrawl crawl = new FakeCrawl();
    private final LiveFeed feed = new LiveFeed(new LiveFeed.Settings("http://site/a", 100, 5, true, "local", null, 8, 2),
            clock::get, 16);

    private static List<JsonObject> drain(LiveClient client) throws InterruptedException {
        List<JsonObject> events = new ArrayList<>();
        for (String frame = client.next(0); frame != null; frame = client.next(0)) {
            String[] lines = frame.split("\n");
            assertTrue(lines[0].startsWith("event: ") && lines[1].startsWith("data: ") && frame.endsWith("\n\n"), frame);
            JsonObject event = new JsonObject();
            event.addProperty("event", lines[0].substring(7));
            event.add("data", JsonParser.parseString(lines[1].substring(6)));
            events.add(event);
        }
        return events;
    }

    private static JsonElement only(List<JsonObject> events, String name) {
        List<JsonObject> found = events.stream().filter(e -> e.get("event").getAsString().equals(name)).toList();
        assertEquals(1, found.size(), name + " in " + events);
        return found.get(0).get("data");
    }

    private static List<String> names(List<JsonObject> events) {
        return events.stream().map(e -> e.get("event").getAsString()).toList();
    }

    @Test
    void withNoBrowserTheFeedReadsNothingAndKeepsNoMarks() {
        crawl.page(A, PageStatus.UNFINISHED);
        feed.attach(crawl);
        for (int i = 0; i < 100; i++) {
            feed.pageTouched(A);
            feed.taskLaunched("t" + i, A);
            feed.tick();
        }
        assertEquals(0, crawl.reads.get(), "no reads without a client");
        assertFalse(feed.isWatching());
        feed.sample(); // the throughput history is kept always: one cheap read a second
        assertEquals(1, crawl.reads.get());
    }

    @Test
    void aBrowserGetsASnapshotThenOnlyWhatChangedBatchedPerTick() throws Exception {
        crawl.page(A, PageStatus.UNFINISHED);
        feed.attach(crawl);
        LiveClient client = feed.connect(() -> {});
        feed.tick();
        List<JsonObject> first = drain(client);
        assertEquals(List.of("snapshot"), names(first));
        JsonObject snapshot = first.get(0).getAsJsonObject("data");
        assertEquals(A, snapshot.getAsJsonArray("pages").get(0).getAsJsonObject().get("url").getAsString());
        assertEquals("UNFINISHED", snapshot.getAsJsonArray("pages").get(0).getAsJsonObject().get("status").getAsString());
        assertTrue(snapshot.getAsJsonArray("pages").get(0).getAsJsonObject().has("crawl_millis"), "pages.json's field names");
        assertEquals("local", snapshot.getAsJsonObject("settings").get("backend").getAsString());
        assertEquals(8, snapshot.getAsJsonObject("settings").get("crawl_workers").getAsInt());

        // Many changes between two ticks: one frame of each kind, each page once.
        crawl.page(B, PageStatus.UNFINISHED);
        crawl.page(C, PageStatus.UNFINISHED);
        crawl.page(A, PageStatus.RENDERED);
        crawl.links.add(new Link(A, B));
        crawl.links.add(new Link(A, C));
        for (int i = 0; i < 50; i++) {
            feed.pageTouched(A);
            feed.pageTouched(B);
            feed.pageTouched(C);
        }
        feed.tick();
        List<JsonObject> second = drain(client);
        assertEquals(List.of("pages", "links", "progress"), names(second));
        JsonArray pages = only(second, "pages").getAsJsonArray();
        assertEquals(3, pages.size());
        assertEquals(2, only(second, "links").getAsJsonArray().size());
        assertEquals(3, only(second, "progress").getAsJsonObject().get("admitted").getAsInt());
        assertEquals(2, only(second, "progress").getAsJsonObject().get("links").getAsInt());

        // Nothing changed: nothing sent.
        feed.tick();
        assertTrue(drain(client).isEmpty());
        // A touch that changed nothing sends nothing either.
        feed.pageTouched(B);
        feed.tick();
        assertTrue(drain(client).isEmpty());
    }

    @Test
    void aLateBrowserGetsExactlyWhatTheOthersHaveSoNothingIsDoubled() throws Exception {
        crawl.page(A, PageStatus.RENDERED);
        feed.attach(crawl);
        LiveClient first = feed.connect(() -> {});
        feed.tick();
        crawl.page(B, PageStatus.UNFINISHED);
        crawl.links.add(new Link(A, B));
        feed.pageTouched(A);
        feed.pageTouched(B);
        // B's link is in the crawl but not yet sent when the second browser joins.
        LiveClient second = feed.connect(() -> {});
        feed.tick();
        drain(first);
        JsonObject snapshot = only(drain(second), "snapshot").getAsJsonObject();
        assertEquals(2, snapshot.getAsJsonArray("pages").size());
        assertEquals(1, snapshot.getAsJsonArray("links").size());
        crawl.page(C, PageStatus.UNFINISHED);
        crawl.links.add(new Link(B, C));
        feed.pageTouched(B);
        feed.pageTouched(C);
        feed.tick();
        List<JsonObject> a = drain(first);
        List<JsonObject> b = drain(second);
        assertEquals(a, b);
        assertEquals(1, only(b, "links").getAsJsonArray().size());
    }

    @Test
    void aSlowBrowserIsDroppedWithoutHoldingTheOthersUp() throws Exception {
        crawl.page(A, PageStatus.UNFINISHED);
        feed.attach(crawl);
        AtomicInteger dropped = new AtomicInteger();
        LiveClient slow = feed.connect(dropped::incrementAndGet);
        LiveClient quick = feed.connect(() -> {});
        feed.tick();
        drain(quick);
        for (int i = 0; i < 40; i++) {
            crawl.page("http://site/p" + i, PageStatus.UNFINISHED);
            feed.pageTouched("http://site/p" + i);
            long before = System.nanoTime();
            feed.tick(); // never waits for a client
            assertTrue(System.nanoTime() - before < Duration.ofSeconds(1).toNanos());
            drain(quick);
        }
        assertTrue(slow.isDropped());
        assertEquals(1, dropped.get(), "its connection is closed once");
        assertFalse(quick.isDropped());
        assertEquals(1, feed.clientCount());
        assertNull(slow.next(0));
        // It reconnects, as EventSource does, and starts from a fresh snapshot of everything.
        LiveClient again = feed.connect(() -> {});
        feed.tick();
        assertEquals(41, only(drain(again), "snapshot").getAsJsonObject().getAsJsonArray("pages").size());
    }

    @Test
    void tasksLaunchedBeforeAnyoneWatchedAreCaughtByAFullComparison() throws Exception {
        crawl.page(A, PageStatus.UNFINISHED);
        feed.attach(crawl);
        LiveClient client = feed.connect(() -> {});
        feed.tick();
        drain(client);
        crawl.page(A, PageStatus.CRAWL_FAILED);
        feed.taskTouched("launched-before-anyone-watched");
        feed.tick();
        JsonArray pages = only(drain(client), "pages").getAsJsonArray();
        assertEquals("CRAWL_FAILED", pages.get(0).getAsJsonObject().get("status").getAsString());
    }

    @Test
    void throughputSamplesAreKeptForLateBrowsersAndStreamedToWatchingOnes() throws Exception {
        feed.attach(crawl);
        for (int i = 0; i < 5; i++) {
            clock.addAndGet(1000);
            crawl.page("http://site/p" + i, PageStatus.UNFINISHED);
            feed.sample();
        }
        LiveClient client = feed.connect(() -> {});
        feed.tick();
        JsonArray samples = only(drain(client), "snapshot").getAsJsonObject().getAsJsonArray("samples");
        assertEquals(5, samples.size());
        assertEquals(5000, samples.get(4).getAsJsonObject().get("millis").getAsLong());
        clock.addAndGet(1000);
        feed.sample();
        feed.tick();
        assertEquals(1, only(drain(client), "samples").getAsJsonArray().size());
    }

    @Test
    void theHistoryIsBoundedAndKeepsTheWholeCurve() {
        ThroughputHistory history = new ThroughputHistory(10);
        for (int i = 0; i < 1000; i++) history.add(new ThroughputHistory.Sample(i * 1000L, i, i, i, 0));
        List<ThroughputHistory.Sample> all = history.all();
        assertTrue(all.size() <= 10, all.toString());
        assertEquals(0, all.get(0).millis());
        assertTrue(all.get(all.size() - 1).millis() > 800_000, all.toString());
    }

    @Test
    void theEndIsSentAndGivenToLaterBrowsersInTheirSnapshot() throws Exception {
        crawl.page(A, PageStatus.RENDERED);
        feed.attach(crawl);
        LiveClient client = feed.connect(() -> {});
        feed.tick();
        drain(client);
        feed.finish(new RunSummary(A, 1, 1, 0, 0, Duration.ofMillis(1234), "complete"), true);
        JsonObject done = only(drain(client), "done").getAsJsonObject();
        assertEquals(1, done.getAsJsonObject("summary").get("rendered").getAsInt());
        assertEquals(1234, done.getAsJsonObject("summary").get("elapsed_millis").getAsLong());
        assertEquals("report.html", done.get("report").getAsString());
        LiveClient late = feed.connect(() -> {});
        feed.tick();
        JsonObject snapshot = only(drain(late), "snapshot").getAsJsonObject();
        assertEquals("complete", snapshot.getAsJsonObject("done").getAsJsonObject("summary").get("stop_reason").getAsString());
    }

    /** The Mesos side, as a fake ClusterWatch: activities batched per tick, the view sent when it changed. */
    @Test
    void theClusterIsSentAsItsViewAndABatchOfActivities() throws Exception {
        List<Consumer<ClusterActivity>> listeners = new ArrayList<>();
        ClusterView[] view = {new ClusterView("m:5050", "", "subscribing", false, Map.of(), List.of(), List.of())};
        ClusterWatch watch = new ClusterWatch() {
            @Override
            public ClusterView view() {
                return view[0];
            }

            @Override
            public AutoCloseable listen(Consumer<ClusterActivity> listener) {
                listeners.add(listener);
                return () -> listeners.remove(listener);
            }
        };
        feed.watchCluster(watch);
        feed.attach(crawl);
        listeners.get(0).accept(new ClusterActivity(1, "in", "OFFERS", "a1", "not watched yet: not kept"));
        LiveClient client = feed.connect(() -> {});
        feed.tick();
        JsonObject snapshot = only(drain(client), "snapshot").getAsJsonObject();
        assertEquals("subscribing", snapshot.getAsJsonObject("cluster").get("state").getAsString());

        listeners.get(0).accept(new ClusterActivity(2, "in", "OFFERS", "agent-1", "offer: 2 cpus, 1.9 GB from agent-1"));
        listeners.get(0).accept(new ClusterActivity(3, "out", "ACCEPT", "agent-1", "launched 2 crawl tasks"));
        view[0] = new ClusterView("m:5050", "fw-1", "subscribed", false, Map.of("OFFERS", 1L, "ACCEPT", 1L),
                List.of(new ClusterView.Agent("a1", "agent-1", 1, 0, Map.of("cpus", 2.0, "mem", 1900.0),
                        Map.of("crawl", 2L), Map.of("crawl", Map.of("TASK_RUNNING", 2L)))), List.of());
        clock.addAndGet(1000);
        feed.tick();
        List<JsonObject> events = drain(client);
        JsonArray activity = only(events, "activity").getAsJsonArray();
        assertEquals(2, activity.size());
        assertEquals("OFFERS", activity.get(0).getAsJsonObject().get("type").getAsString());
        assertEquals("out", activity.get(1).getAsJsonObject().get("direction").getAsString());
        JsonObject cluster = only(events, "cluster").getAsJsonObject();
        assertEquals(2, cluster.getAsJsonArray("agents").get(0).getAsJsonObject().getAsJsonObject("tasks")
                .getAsJsonObject("crawl").get("TASK_RUNNING").getAsInt());
        assertEquals(2.0, cluster.getAsJsonArray("agents").get(0).getAsJsonObject().getAsJsonObject("last_offer")
                .get("cpus").getAsDouble());
        // The same view again is not sent again.
        clock.addAndGet(1000);
        feed.tick();
        assertTrue(drain(client).isEmpty());
        feed.close();
        assertTrue(listeners.isEmpty(), "the feed stops listening when closed");
    }
}
