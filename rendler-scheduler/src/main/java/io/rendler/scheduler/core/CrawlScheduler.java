package io.rendler.scheduler.core;

import io.rendler.common.Boundary;
import io.rendler.common.CrawlResult;
import io.rendler.common.RenderResult;
import io.rendler.common.ResultMessage;
import io.rendler.common.ScreenshotNames;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import io.rendler.common.UrlNormalizer;
import io.rendler.scheduler.graph.GraphSnapshot;
import io.rendler.scheduler.graph.Link;
import io.rendler.scheduler.graph.PageRecord;
import io.rendler.scheduler.graph.PageStatus;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The scheduler core: the crawl frontier, URL de-duplication, limits, retries and the link graph.
 *
 * <p>It is pure logic with no threads or sockets, and only an injected clock. Backends feed it
 * events (a result arrived, a task ended, a host's robots.txt is known) and ask it for decisions
 * (which task to launch next). It is not thread-safe; {@code run.CrawlCoordinator} serialises
 * access for the backends.
 *
 * <p>Politeness is part of those decisions: pages are queued per host (scheme, host and port), and
 * a host's next task launches only once its robots.txt is known (when obeyed), while it has fewer
 * tasks in flight than the per-host limit, and once its delay has passed since its last task
 * started or ended. Hosts take turns. A page robots.txt disallows is skipped, never launched.
 *
 * <p>Results are keyed by page, not by task, so that a result delivered twice (once as a framework
 * message, once in the terminal status update) or late (after a retry was launched) is harmless:
 * the first result for a page wins and the rest are ignored.
 *
 * <p>Its state follows only from the calls made to it, in order: feeding a new core the same
 * calls again (a journal's replay) gives the same pages, task ids and graph. The one exception is
 * time (a host's delay, a Retry-After), which decides only <em>which</em> queued page launches
 * when: a replay names the task each launch gave ({@link #relaunch}), and after a resume every
 * wait simply starts again.
 */
public final class CrawlScheduler {

    private final CrawlSettings settings;
    private final Boundary boundary;
    /** Every admitted page by its normalised URL, and by its redirect target when that was new. */
    private final Map<String, Page> pagesByUrl = new HashMap<>();
    private final List<Page> pages = new ArrayList<>();
    /** Hosts by origin, in the order they take turns: a host that just launched goes last. */
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final List<String> robotsWanted = new ArrayList<>();
    private final LongSupplier nanoClock;
    private final Map<String, Task> running = new HashMap<>();
    /** Every task ever issued, so a late result still finds its page. */
    private final Map<String, Task> issued = new HashMap<>();
    /** Tasks whose result was applied, so a second copy of one is a duplicate even when the page is queued again. */
    private final Set<String> answered = new HashSet<>();
    /** One String instance per distinct in-scope link, so big graphs store each URL once. */
    private final Map<String, String> linkPool = new HashMap<>();
    private final List<PageEvent> events = new ArrayList<>();

    private String stopReason;
    private boolean pageLimitReached;
    private boolean depthLimitReached;
    private int crawled;
    private int rendered;
    private int failed;
    private int skipped;
    private int queuedCrawls;
    private int queuedRenders;

    public CrawlScheduler(CrawlSettings settings) {
        this(settings, System::nanoTime);
    }

    /** @param nanoClock monotonic nanoseconds, as {@link System#nanoTime()}; tests pass their own */
    public CrawlScheduler(CrawlSettings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.boundary = settings.boundary();
        this.nanoClock = nanoClock;
        admit(settings.startUrl(), 0);
    }

    public CrawlSettings settings() {
        return settings;
    }

    /** The next task of {@code kind} to launch, marked as running; empty when there is none now. */
    public Optional<TaskRequest> nextTask(TaskKind kind) {
        if (stopReason != null) return Optional.empty();
        long now = nanoClock.getAsLong();
        for (Iterator<Host> turns = hosts.values().iterator(); turns.hasNext(); ) {
            Host host = turns.next();
            Page page = nextPage(host, kind, now);
            if (page == null) continue;
            turns.remove();
            hosts.put(host.origin, host);
            return Optional.of(launch(page, kind, host, now));
        }
        return Optional.empty();
    }

    /** The next page of {@code kind} that {@code host} may start now, skipping what robots.txt disallows. */
    private Page nextPage(Host host, TaskKind kind, long now) {
        if (kind == TaskKind.CRAWL) releaseDue(host, now);
        ArrayDeque<Page> queue = host.queue(kind);
        if (queue.isEmpty() || host.robots == null || readyAt(host) > now) return null;
        Page page;
        while ((page = queue.poll()) != null) {
            countQueued(kind, -1);
            Stage stage = page.stage(kind);
            stage.queued = false;
            if (stage.done) continue; // finished by a late result while queued for a retry
            String url = kind == TaskKind.CRAWL ? page.url : page.renderUrl();
            if (host.robots.allows(url)) return page;
            skip(page, kind, url, host.robots.denial());
        }
        return null;
    }

    private TaskRequest launch(Page page, TaskKind kind, Host host, long now) {
        Stage stage = page.stage(kind);
        stage.running = true;
        stage.attempts++;
        String taskId = kind.label() + "-" + page.id + "-" + ++stage.launches;
        Task task = kind == TaskKind.CRAWL
                ? new Task(taskId, kind, page, page.url, null, host)
                : new Task(taskId, kind, page, page.renderUrl(), ScreenshotNames.forUrl(page.url), host);
        running.put(taskId, task);
        issued.put(taskId, task);
        host.inFlight++;
        host.lastActivity = now;
        return request(task);
    }

    private TaskRequest request(Task task) {
        return task.kind == TaskKind.CRAWL
                ? TaskRequest.crawl(task.taskId, task.url, settings.limits(), boundary)
                : TaskRequest.render(task.taskId, task.url, settings.limits(), task.screenshotName, null, boundary);
    }

    /**
     * Launches again the task {@code taskId} a journal says the core handed out, as a replay does:
     * which queued page launched when hung on time (a host's delay, a Retry-After, hosts' turns),
     * which a replay cannot repeat, so the journal names it. The page must be queued for
     * {@code kind}, allowed by its host's robots.txt, and {@code taskId} must be its next launch;
     * disallowed pages ahead of it in its host's queue are skipped, as {@link #nextTask} would.
     *
     * @throws IllegalStateException when this core would not have launched it
     */
    public TaskRequest relaunch(TaskKind kind, String taskId) {
        if (stopReason != null) throw new IllegalStateException("the crawl is stopped");
        String prefix = kind.label() + "-";
        String[] parts = taskId.startsWith(prefix) ? taskId.substring(prefix.length()).split("-") : new String[0];
        Page page;
        int launch;
        try {
            page = parts.length == 2 ? pages.get(Integer.parseInt(parts[0])) : null;
            launch = Integer.parseInt(parts.length == 2 ? parts[1] : "x");
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            page = null;
            launch = 0;
        }
        if (page == null) throw new IllegalStateException("no page for the " + kind.label() + " task " + taskId);
        Stage stage = page.stage(kind);
        if (!stage.queued || stage.done) throw new IllegalStateException(taskId + " names a page not queued for a " + kind.label());
        if (stage.launches + 1 != launch) throw new IllegalStateException(taskId + " is not its page's next " + kind.label());
        String url = kind == TaskKind.CRAWL ? page.url : page.renderUrl();
        Host host = hostOf(url);
        if (host.robots == null) throw new IllegalStateException(taskId + " launched before its host's robots.txt was known");
        if (!host.robots.allows(url)) throw new IllegalStateException(taskId + " fetches what robots.txt disallows");
        Page named = page;
        boolean waited = kind == TaskKind.CRAWL && host.waiting.removeIf(waiting -> waiting.page == named);
        if (!waited) {
            ArrayDeque<Page> queue = host.queue(kind);
            Page ahead;
            while ((ahead = queue.peek()) != page) {
                if (ahead == null) throw new IllegalStateException(taskId + " names a page not in its host's queue");
                Stage aheadStage = ahead.stage(kind);
                String aheadUrl = kind == TaskKind.CRAWL ? ahead.url : ahead.renderUrl();
                if (!aheadStage.done && host.robots.allows(aheadUrl)) {
                    throw new IllegalStateException(taskId + " launched ahead of " + kind.label() + " page " + ahead.id);
                }
                queue.poll();
                countQueued(kind, -1);
                aheadStage.queued = false;
                if (!aheadStage.done) skip(ahead, kind, aheadUrl, host.robots.denial());
            }
            queue.poll();
        }
        countQueued(kind, -1);
        stage.queued = false;
        hosts.remove(host.origin);
        hosts.put(host.origin, host);
        return launch(page, kind, host, nanoClock.getAsLong());
    }


    /** Queued work of {@code kind}, including pages that wait for their host's turn, robots.txt or a Retry-After. */
    public boolean hasQueuedWork(TaskKind kind) {
        return stopReason == null && (kind == TaskKind.CRAWL ? queuedCrawls : queuedRenders) > 0;
    }

    /**
     * How long until a queued task of {@code kind} that waits only for time (a host's delay, a
     * Retry-After) may start; empty when none waits only for time. Zero means now.
     */
    public OptionalLong nanosUntilReady(TaskKind kind) {
        if (stopReason != null) return OptionalLong.empty();
        long now = nanoClock.getAsLong();
        long best = Long.MAX_VALUE;
        for (Host host : hosts.values()) {
            if (host.robots == null || readyAt(host) == Long.MAX_VALUE) continue;
            long hostWait = Math.max(0, readyAt(host) - now);
            if (readyAt(host) == Long.MIN_VALUE) hostWait = 0;
            if (!host.queue(kind).isEmpty()) best = Math.min(best, hostWait);
            if (kind == TaskKind.CRAWL) {
                for (Waiting waiting : host.waiting) best = Math.min(best, Math.max(hostWait, Math.max(0, waiting.dueNanos - now)));
            }
        }
        return best == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(best);
    }

    /** Origins (scheme://host:port) whose robots.txt the core needs, since the last call; answer each with {@link #onRobots}. */
    public List<String> drainRobotsRequests() {
        // A replayed journal may already have answered some (a resume asks only for the rest).
        List<String> drained = robotsWanted.stream().filter(origin -> hosts.get(origin).robots == null).toList();
        robotsWanted.clear();
        return drained;
    }

    /** {@code origin}'s robots.txt is known: its pages may launch, those it disallows are skipped. */
    public boolean onRobots(String origin, RobotsRules rules) {
        Host host = hosts.get(origin);
        if (host == null || host.robots != null) return false;
        host.robots = rules;
        return true;
    }

    /**
     * Applies a result. Duplicates and late results are harmless and ignored. A result for a task
     * that was never launched, of another kind, for another URL or naming another screenshot is
     * dropped and changes nothing: the task's own end decides whether the page is tried again.
     */
    public Delivery onResult(ResultMessage message) {
        String taskId = message.taskId();
        Task task = issued.get(taskId);
        if (task == null) return Delivery.unexpected("a result for task " + taskId + ", which was never launched");
        if (task.kind != message.kind()) {
            return Delivery.unexpected("a " + message.kind().label() + " result for " + task.kind.label() + " task " + taskId);
        }
        String url = message.kind() == TaskKind.CRAWL ? message.crawl().url() : message.render().url();
        if (!url.equals(task.url)) return Delivery.unexpected("a result for task " + taskId + " about " + url + ", not " + task.url);
        if (message.kind() == TaskKind.RENDER && message.render().screenshot() != null
                && !message.render().screenshot().equals(task.screenshotName)) {
            return Delivery.unexpected("a result for task " + taskId + " naming screenshot " + message.render().screenshot()
                    + ", not " + task.screenshotName);
        }
        Stage stage = task.page.stage(task.kind);
        if (stage.done || !answered.add(taskId)) return Delivery.DUPLICATE;
        stage.done = true;
        // Its end, which may come later (a status update after the message), changes nothing now;
        // the journal leaves such ends out, so the task stops counting as running (and against its
        // host) here.
        if (running.remove(taskId) != null) ended(task);
        stage.running = running.values().stream().anyMatch(t -> t.page == task.page && t.kind == task.kind);
        if (task.kind == TaskKind.CRAWL) applyCrawl(task.page, message.crawl());
        else applyRender(task.page, message.render());
        return Delivery.APPLIED;
    }

    /**
     * A task reached a terminal state. When its result never arrived (a dropped message, a crashed
     * executor) the page gets another attempt, up to the configured maximum.
     *
     * @return whether the end changed anything: false for a task that is not running (its result
     *         already took it off). Only ends that return true need a journal's record (see
     *         {@link #resume}).
     */
    public boolean onTaskEnded(String taskId, TaskEnd end, String reason) {
        Task task = running.remove(taskId);
        if (task == null) return false;
        ended(task);
        Page page = task.page;
        Stage stage = page.stage(task.kind);
        if (stage.done || stage.queued) return true; // it was running, and counted against its host
        stage.running = running.values().stream().anyMatch(t -> t.page == page && t.kind == task.kind);
        if (stage.running) return true; // another attempt is still out there
        String why = end == TaskEnd.FINISHED ? "finished without " + (reason == null ? "a result (message lost)" : "a usable result: " + reason)
                : reason == null ? end.name().toLowerCase() : reason;
        if (end == TaskEnd.KILLED || stopReason != null) {
            stage.lastError = why;
            return true; // not retried; the page stays unfinished until a resume
        }
        if (stage.attempts < settings.maxAttempts()) {
            events.add(new PageEvent(PageEvent.Type.RETRY, page.url, task.kind.label() + " attempt " + stage.attempts + " " + why));
            enqueue(page, task.kind, true);
            return true;
        }
        stage.done = true;
        stage.lastError = task.kind.label() + " failed after " + stage.attempts + " attempts: " + why;
        if (task.kind == TaskKind.CRAWL) {
            crawled++;
            failed++;
            events.add(new PageEvent(PageEvent.Type.CRAWL_FAILED, page.url, stage.lastError));
        } else {
            failed++;
            events.add(new PageEvent(PageEvent.Type.RENDER_FAILED, page.url, stage.lastError));
        }
        return true;
    }

    /** {@code task} no longer runs: its host may start another once its delay has passed. */
    private void ended(Task task) {
        task.host.inFlight--;
        task.host.lastActivity = nanoClock.getAsLong();
    }

    /** Stops launching new work. Tasks in flight may still report. */
    public void stop(String reason) {
        if (stopReason == null) stopReason = reason;
    }

    public boolean isStopped() {
        return stopReason != null;
    }

    /** True when nothing is running and nothing more will be launched. */
    public boolean isFinished() {
        return running.isEmpty() && (stopReason != null || queuedCrawls + queuedRenders == 0);
    }

    public Collection<String> runningTaskIds() {
        return List.copyOf(running.keySet());
    }

    /** The tasks launched and not ended, as they were handed out. */
    public List<TaskRequest> runningTasks() {
        return running.values().stream().map(this::request).toList();
    }

    /**
     * Continues an interrupted crawl, after its journal was replayed: the stop is lifted, and every
     * page whose crawl or render was cut short (killed, ended after the stop, or in flight when
     * the scheduler died) is queued again at the front of its host's queue, in page order, its
     * interrupted attempt not counted. Tasks whose page already had its result are forgotten,
     * whatever {@code adoptRunning} says. Robots.txt answers replayed stay known; hosts' delays
     * and Retry-After waits start again from now.
     *
     * @param adoptRunning keep the other running tasks: their executors outlived the scheduler
     *                     (Mesos failover) and will still report. Otherwise they are gone (local
     *                     mode, where they ran inside the dead process) and their pages run again.
     */
    public void resume(boolean adoptRunning) {
        stopReason = null;
        running.values().removeIf(task -> !adoptRunning || task.page.stage(task.kind).done);
        long now = nanoClock.getAsLong();
        for (Host host : hosts.values()) {
            host.inFlight = 0;
            host.lastActivity = host.lastActivity == NEVER ? NEVER : now;
        }
        for (Task task : running.values()) task.host.inFlight++;
        requeueCutShort(TaskKind.CRAWL, page -> true);
        requeueCutShort(TaskKind.RENDER, page -> page.renderQueued);
    }

    /** Queues the pages cut short, ahead of those still waiting in their host's queue, as retries are. */
    private void requeueCutShort(TaskKind kind, Predicate<Page> wanted) {
        Set<Page> busy = new HashSet<>();
        running.values().stream().filter(task -> task.kind == kind).forEach(task -> busy.add(task.page));
        List<Page> cutShort = new ArrayList<>();
        for (Page page : pages) {
            Stage stage = page.stage(kind);
            stage.running = busy.contains(page);
            if (stage.done || stage.running || stage.queued || !wanted.test(page)) continue;
            if (stage.attempts > 0) stage.attempts--;
            stage.lastError = null;
            cutShort.add(page);
        }
        for (int i = cutShort.size() - 1; i >= 0; i--) enqueue(cutShort.get(i), kind, true);
    }

    /** Pages admitted so far, the start page included. */
    public int pageCount() {
        return pages.size();
    }

    /** The URLs of the pages admitted after the first {@code count}, in order. */
    public List<String> admittedSince(int count) {
        return pages.subList(count, pages.size()).stream().map(page -> page.url).toList();
    }

    /** The page events since the last call. */
    public List<PageEvent> drainEvents() {
        List<PageEvent> drained = List.copyOf(events);
        events.clear();
        return drained;
    }

    /** Why the run ended, for the summary line. */
    public String outcome() {
        StringBuilder why = new StringBuilder(stopReason != null ? stopReason : "complete");
        if (pageLimitReached) why.append(", page limit ").append(settings.maxPages()).append(" reached");
        if (depthLimitReached) why.append(", depth limit ").append(settings.maxDepth()).append(" reached");
        if (skipped > 0) why.append(", ").append(skipped).append(skipped == 1 ? " page" : " pages").append(" skipped by robots.txt");
        return why.toString();
    }

    public Progress progress() {
        int runningCrawls = (int) running.values().stream().filter(t -> t.kind == TaskKind.CRAWL).count();
        return new Progress(pages.size(), crawled, rendered, failed,
                stopReason == null ? queuedCrawls : 0, stopReason == null ? queuedRenders : 0,
                runningCrawls, running.size() - runningCrawls);
    }

    public GraphSnapshot snapshot() {
        List<PageRecord> records = new ArrayList<>(pages.size());
        Set<Link> links = new LinkedHashSet<>();
        for (Page page : pages) {
            records.add(page.record(settings.render()));
            addLinksOut(page, links);
        }
        return new GraphSnapshot(records, new ArrayList<>(links));
    }

    /**
     * The part of the graph around {@code urls}, for the live view's updates: the records of the
     * admitted pages among them (a redirect target's URL names the page it was reached from), and
     * the links out of those pages. Unknown URLs are skipped. Costs O(those pages and their links).
     */
    public GraphSnapshot snapshotOf(Collection<String> urls) {
        Set<Page> chosen = new LinkedHashSet<>();
        for (String url : urls) {
            Page page = pagesByUrl.get(url);
            if (page != null) chosen.add(page);
        }
        List<PageRecord> records = new ArrayList<>(chosen.size());
        List<Link> links = new ArrayList<>();
        for (Page page : chosen) {
            records.add(page.record(settings.render()));
            addLinksOut(page, links);
        }
        return new GraphSnapshot(records, links);
    }

    /** {@code page}'s links to other pages of the graph, its redirect first. */
    private void addLinksOut(Page page, Collection<Link> links) {
        if (page.redirectTarget != null) links.add(new Link(page.url, page.redirectTarget.url));
        for (String href : page.links) {
            Page target = pagesByUrl.get(href);
            if (target != null && target != page) links.add(new Link(page.url, target.url));
        }
    }

    private void applyCrawl(Page page, CrawlResult result) {
        page.crawlResult = result;
        if (comeBackLater(page, result)) return;
        crawled++;
        if (result.failed()) {
            failed++;
            events.add(new PageEvent(PageEvent.Type.CRAWL_FAILED, page.url, crawlError(result, page.crawl.attempts)));
            return;
        }
        String finalUrl = UrlNormalizer.normalize(result.finalUrl()).orElse(page.url);
        if (!finalUrl.equals(page.url)) {
            if (!settings.scope().allows(finalUrl)) {
                page.crawl.lastError = "redirected out of scope to " + finalUrl;
                failed++;
                events.add(new PageEvent(PageEvent.Type.CRAWL_FAILED, page.url, page.crawl.lastError));
                return;
            }
            Page existing = pagesByUrl.get(finalUrl);
            if (existing != null && existing != page) {
                page.redirectTarget = existing;
                events.add(new PageEvent(PageEvent.Type.CRAWLED, page.url, "redirects to " + existing.url));
                return;
            }
            pagesByUrl.put(finalUrl, page);
            page.finalUrl = finalUrl;
        }
        if (result.html()) {
            List<String> kept = new ArrayList<>();
            for (String link : result.links()) {
                Optional<String> normalized = UrlNormalizer.normalize(link);
                if (normalized.isEmpty() || !settings.scope().allows(normalized.get()) || !settings.patterns().allows(normalized.get())) {
                    continue;
                }
                String href = linkPool.computeIfAbsent(normalized.get(), k -> k);
                kept.add(href);
                if (!pagesByUrl.containsKey(href)) admit(href, page.depth + 1);
            }
            page.links = List.copyOf(kept);
            if (settings.render()) {
                page.renderQueued = true;
                enqueue(page, TaskKind.RENDER, false);
            }
        }
        events.add(new PageEvent(PageEvent.Type.CRAWLED, page.url,
                result.html() ? "HTTP " + result.httpStatus() + ", " + page.links.size() + " links" + (result.truncated() ? ", truncated" : "")
                        : result.contentType()));
    }

    private void applyRender(Page page, RenderResult result) {
        page.renderResult = result;
        if (result.failed()) {
            failed++;
            events.add(new PageEvent(PageEvent.Type.RENDER_FAILED, page.url, result.error()));
        } else {
            rendered++;
            events.add(new PageEvent(PageEvent.Type.RENDERED, page.url, result.screenshot()));
        }
    }

    /** Links found after a stop are admitted too: a resumed crawl must know of them. */
    private void admit(String url, int depth) {
        if (depth > settings.maxDepth()) {
            depthLimitReached = true;
            return;
        }
        if (pages.size() >= settings.maxPages()) {
            pageLimitReached = true;
            return;
        }
        Page page = new Page(pages.size(), url, depth);
        pages.add(page);
        pagesByUrl.put(url, page);
        enqueue(page, TaskKind.CRAWL, false);
    }

    /**
     * HTTP 429 and 503 say "come back later": the page gets another attempt, within the maximum,
     * once its Retry-After (or {@link #DEFAULT_COME_BACK} without one) has passed. A wait longer
     * than {@link #MAX_COME_BACK} is not waited for: the page fails at once. After a stop the page
     * waits too, unfinished, so that a resume tries it again.
     */
    private boolean comeBackLater(Page page, CrawlResult result) {
        int status = result.httpStatus();
        if ((status != 429 && status != 503) || page.crawl.attempts >= settings.maxAttempts()) return false;
        Duration wait = result.retryAfterMillis() == null ? DEFAULT_COME_BACK : Duration.ofMillis(result.retryAfterMillis());
        if (wait.compareTo(MAX_COME_BACK) > 0) return false;
        page.crawl.done = false;
        Host host = hostOf(page.url);
        host.waiting.add(new Waiting(page, nanoClock.getAsLong() + wait.toNanos()));
        page.crawl.queued = true;
        countQueued(TaskKind.CRAWL, 1);
        events.add(new PageEvent(PageEvent.Type.RETRY, page.url, "crawl attempt " + page.crawl.attempts + " got HTTP " + status
                + ", again in " + wait.toMillis() / 1000.0 + "s"));
        return true;
    }

    /** Moves the pages whose Retry-After has passed to the front of their host's crawl queue. */
    private void releaseDue(Host host, long now) {
        for (Iterator<Waiting> it = host.waiting.iterator(); it.hasNext(); ) {
            Waiting waiting = it.next();
            if (waiting.dueNanos - now > 0) continue;
            it.remove();
            host.crawls.addFirst(waiting.page);
        }
    }

    private void enqueue(Page page, TaskKind kind, boolean first) {
        Host host = hostOf(kind == TaskKind.CRAWL ? page.url : page.renderUrl());
        ArrayDeque<Page> queue = host.queue(kind);
        if (first) queue.addFirst(page);
        else queue.addLast(page);
        page.stage(kind).queued = true;
        countQueued(kind, 1);
    }

    private void countQueued(TaskKind kind, int change) {
        if (kind == TaskKind.CRAWL) queuedCrawls += change;
        else queuedRenders += change;
    }

    /** The host serving {@code url}; a host seen for the first time asks for its robots.txt. */
    private Host hostOf(String url) {
        String origin = originOf(url);
        Host host = hosts.get(origin);
        if (host == null) {
            host = new Host(origin);
            hosts.put(origin, host);
            if (settings.politeness().obeyRobots()) robotsWanted.add(origin);
            else host.robots = RobotsRules.allowAll();
        }
        return host;
    }

    /**
     * When {@code host} may start its next task: its delay after the last task there ended. With a
     * delay, a host gets one task at a time: spacing only the launches would not space the
     * requests, since under Mesos a task reaches its executor after a varying lag.
     */
    private long readyAt(Host host) {
        if (!host.belowConcurrencyLimit(settings.politeness())) return Long.MAX_VALUE;
        Duration delay = settings.politeness().delay();
        Duration crawlDelay = host.robots == null ? Duration.ZERO : host.robots.crawlDelay();
        if (crawlDelay.compareTo(delay) > 0) delay = crawlDelay;
        if (delay.isZero()) return Long.MIN_VALUE;
        if (host.inFlight > 0) return Long.MAX_VALUE;
        return host.lastActivity == NEVER ? Long.MIN_VALUE : host.lastActivity + delay.toNanos();
    }

    private void skip(Page page, TaskKind kind, String url, String reason) {
        Stage stage = page.stage(kind);
        stage.done = true;
        stage.skipped = kind == TaskKind.CRAWL ? reason : "render skipped: " + url + " " + reason;
        skipped++;
        events.add(new PageEvent(PageEvent.Type.SKIPPED, page.url, stage.skipped));
    }

    /** scheme://host:port of a normalised URL (default ports are already gone). */
    static String originOf(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() != null && uri.getRawAuthority() != null) return uri.getScheme() + "://" + uri.getRawAuthority();
        } catch (IllegalArgumentException e) {
            // Not expected for a normalised URL; such a page then is a host of its own.
        }
        return url;
    }

    private static String crawlError(CrawlResult result, int attempts) {
        if (result.error() != null) return result.error();
        if (result.httpStatus() == 0) return "no response";
        boolean comeBack = result.httpStatus() == 429 || result.httpStatus() == 503;
        return "HTTP " + result.httpStatus() + (comeBack && attempts > 1 ? " after " + attempts + " attempts" : "");
    }

    private static final Duration DEFAULT_COME_BACK = Duration.ofSeconds(1);
    private static final Duration MAX_COME_BACK = Duration.ofMinutes(5);
    private static final long NEVER = Long.MIN_VALUE;

    /** One launched task: the page it works on, the URL and screenshot name it was given, and the host it counts against. */
    private record Task(String taskId, TaskKind kind, Page page, String url, String screenshotName, Host host) {}

    /** A page waiting out a Retry-After before its next crawl attempt. */
    private record Waiting(Page page, long dueNanos) {}

    /** One host's queues and what its politeness rules need to know. */
    private static final class Host {
        final String origin;
        final ArrayDeque<Page> crawls = new ArrayDeque<>();
        final ArrayDeque<Page> renders = new ArrayDeque<>();
        final List<Waiting> waiting = new ArrayList<>();
        /** Null until its robots.txt is known. */
        RobotsRules robots;
        int inFlight;
        long lastActivity = NEVER;

        Host(String origin) {
            this.origin = origin;
        }

        ArrayDeque<Page> queue(TaskKind kind) {
            return kind == TaskKind.CRAWL ? crawls : renders;
        }

        boolean belowConcurrencyLimit(Politeness politeness) {
            return politeness.perHostConcurrency() == 0 || inFlight < politeness.perHostConcurrency();
        }
    }

    /** One kind of work on one page. */
    private static final class Stage {
        /** Attempts charged against the maximum; one cut short by a stop or a crash is given back on resume. */
        int attempts;
        /** Tasks launched, for unique task ids: a Mesos task id is best not reused. */
        int launches;
        boolean running;
        boolean done;
        /** In a host's queue, or waiting out a Retry-After. */
        boolean queued;
        /** Why robots.txt ruled it out; null when it did not. */
        String skipped;
        String lastError;
    }

    private static final class Page {
        final int id;
        final String url;
        final int depth;
        final Stage crawl = new Stage();
        final Stage render = new Stage();
        String finalUrl;
        CrawlResult crawlResult;
        RenderResult renderResult;
        Page redirectTarget;
        List<String> links = List.of();
        /** Crawled as HTML in a rendering run: its render was queued. */
        boolean renderQueued;

        Page(int id, String url, int depth) {
            this.id = id;
            this.url = url;
            this.depth = depth;
        }

        Stage stage(TaskKind kind) {
            return kind == TaskKind.CRAWL ? crawl : render;
        }

        String renderUrl() {
            return finalUrl != null ? finalUrl : url;
        }

        /** Where the browser ended up when it rendered the page, else where the crawler's redirects led. */
        String finalUrl() {
            if (renderResult != null && !renderResult.failed() && renderResult.finalUrl() != null) return renderResult.finalUrl();
            return crawlResult == null ? null : crawlResult.finalUrl();
        }

        PageRecord record(boolean renderEnabled) {
            PageStatus status;
            String error = null;
            if (crawl.skipped != null) {
                status = PageStatus.SKIPPED_ROBOTS;
                error = crawl.skipped;
            } else if (!crawl.done) {
                status = PageStatus.UNFINISHED;
                error = crawl.lastError;
            } else if (crawlResult == null || crawlResult.failed() || crawl.lastError != null) {
                status = PageStatus.CRAWL_FAILED;
                error = crawlResult != null && crawlResult.failed() ? crawlError(crawlResult, crawl.attempts) : crawl.lastError;
            } else if (redirectTarget != null) {
                status = PageStatus.REDIRECTED;
            } else if (!crawlResult.html()) {
                status = PageStatus.NOT_HTML;
            } else if (!renderEnabled) {
                status = PageStatus.CRAWLED;
            } else if (render.skipped != null) {
                status = PageStatus.SKIPPED_ROBOTS;
                error = render.skipped;
            } else if (!render.done) {
                status = PageStatus.UNFINISHED;
                error = render.lastError != null ? render.lastError : "stopped before rendering";
            } else if (renderResult == null || renderResult.failed()) {
                status = PageStatus.RENDER_FAILED;
                error = renderResult != null ? renderResult.error() : render.lastError;
            } else {
                status = PageStatus.RENDERED;
            }
            return new PageRecord(
                    url,
                    depth,
                    status,
                    finalUrl(),
                    crawlResult == null ? 0 : crawlResult.httpStatus(),
                    crawlResult == null ? null : crawlResult.contentType(),
                    renderResult == null || renderResult.failed() ? null : renderResult.screenshot(),
                    error,
                    crawlResult != null && crawlResult.truncated(),
                    crawlResult == null ? 0 : crawlResult.elapsedMillis(),
                    renderResult == null ? 0 : renderResult.elapsedMillis(),
                    crawl.attempts,
                    render.attempts);
        }
    }
}
