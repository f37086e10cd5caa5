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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The scheduler core: the crawl frontier, URL de-duplication, limits, retries and the link graph.
 *
 * <p>It is pure logic with no threads, sockets or clocks. Backends feed it events (a result
 * arrived, a task ended) and ask it for decisions (which task to launch next). It is not
 * thread-safe; {@code run.CrawlCoordinator} serialises access for the backends.
 *
 * <p>Results are keyed by page, not by task, so that a result delivered twice (once as a framework
 * message, once in the terminal status update) or late (after a retry was launched) is harmless:
 * the first result for a page wins and the rest are ignored.
 *
 * <p>Its state follows only from the calls made to it, in order: feeding a new core the same
 * calls again (a journal's replay) gives the same pages, task ids and graph.
 */
public final class CrawlScheduler {

    private final CrawlSettings settings;
    private final Boundary boundary;
    /** Every admitted page by its normalised URL, and by its redirect target when that was new. */
    private final Map<String, Page> pagesByUrl = new HashMap<>();
    private final List<Page> pages = new ArrayList<>();
    private final ArrayDeque<Page> crawlQueue = new ArrayDeque<>();
    private final ArrayDeque<Page> renderQueue = new ArrayDeque<>();
    private final Map<String, Task> running = new HashMap<>();
    /** Every task ever issued, so a late result still finds its page. */
    private final Map<String, Task> issued = new HashMap<>();
    /** One String instance per distinct in-scope link, so big graphs store each URL once. */
    private final Map<String, String> linkPool = new HashMap<>();
    private final List<PageEvent> events = new ArrayList<>();

    private String stopReason;
    private boolean pageLimitReached;
    private boolean depthLimitReached;
    private int crawled;
    private int rendered;
    private int failed;

    public CrawlScheduler(CrawlSettings settings) {
        this.settings = settings;
        this.boundary = settings.boundary();
        admit(settings.startUrl(), 0);
    }

    public CrawlSettings settings() {
        return settings;
    }

    /** The next task of {@code kind} to launch, marked as running; empty when there is none now. */
    public Optional<TaskRequest> nextTask(TaskKind kind) {
        if (stopReason != null) return Optional.empty();
        Page page = (kind == TaskKind.CRAWL ? crawlQueue : renderQueue).poll();
        if (page == null) return Optional.empty();
        Stage stage = page.stage(kind);
        if (stage.done) return nextTask(kind); // finished by a late result while queued for a retry
        stage.running = true;
        stage.attempts++;
        String taskId = kind.label() + "-" + page.id + "-" + ++stage.launches;
        Task task = kind == TaskKind.CRAWL
                ? new Task(taskId, kind, page, page.url, null)
                : new Task(taskId, kind, page, page.renderUrl(), ScreenshotNames.forUrl(page.url));
        running.put(taskId, task);
        issued.put(taskId, task);
        return Optional.of(request(task));
    }

    private TaskRequest request(Task task) {
        return task.kind == TaskKind.CRAWL
                ? TaskRequest.crawl(task.taskId, task.url, settings.limits(), boundary)
                : TaskRequest.render(task.taskId, task.url, settings.limits(), task.screenshotName, null, boundary);
    }

    public boolean hasQueuedWork(TaskKind kind) {
        return stopReason == null && !(kind == TaskKind.CRAWL ? crawlQueue : renderQueue).isEmpty();
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
        if (stage.done) return Delivery.DUPLICATE;
        stage.done = true;
        // Its end, which may come later (a status update after the message), changes nothing now;
        // the journal leaves such ends out, so the task stops counting as running here.
        running.remove(taskId);
        stage.running = false;
        if (task.kind == TaskKind.CRAWL) applyCrawl(task.page, message.crawl());
        else applyRender(task.page, message.render());
        return Delivery.APPLIED;
    }

    /**
     * A task reached a terminal state. When its result never arrived (a dropped message, a crashed
     * executor) the page gets another attempt, up to the configured maximum.
     *
     * @return whether the end changed its page: false for a task whose page already had its
     *         result, or one that is not running. Only ends that return true need a journal's record
     *         (see {@link #resume}).
     */
    public boolean onTaskEnded(String taskId, TaskEnd end, String reason) {
        Task task = running.remove(taskId);
        if (task == null) return false;
        Page page = task.page;
        Stage stage = page.stage(task.kind);
        if (stage.done) return false;
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
            (task.kind == TaskKind.CRAWL ? crawlQueue : renderQueue).addFirst(page);
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

    /** Stops launching new work. Tasks in flight may still report. */
    public void stop(String reason) {
        if (stopReason == null) stopReason = reason;
    }

    public boolean isStopped() {
        return stopReason != null;
    }

    /** True when nothing is running and nothing more will be launched. */
    public boolean isFinished() {
        return running.isEmpty() && (stopReason != null || (crawlQueue.isEmpty() && renderQueue.isEmpty()));
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
     * the scheduler died) is queued again in page order, its interrupted attempt not counted.
     * Tasks whose page already had its result are forgotten, whatever {@code adoptRunning} says.
     *
     * @param adoptRunning keep the other running tasks: their executors outlived the scheduler
     *                     (Mesos failover) and will still report. Otherwise they are gone (local
     *                     mode, where they ran inside the dead process) and their pages run again.
     */
    public void resume(boolean adoptRunning) {
        stopReason = null;
        running.values().removeIf(task -> !adoptRunning || task.page.stage(task.kind).done);
        requeueCutShort(TaskKind.CRAWL, crawlQueue, page -> true);
        requeueCutShort(TaskKind.RENDER, renderQueue, page -> page.renderQueued);
    }

    /** Queues the pages cut short, ahead of those still waiting, as retries are. */
    private void requeueCutShort(TaskKind kind, ArrayDeque<Page> queue, Predicate<Page> wanted) {
        Set<Page> queued = new HashSet<>(queue);
        Set<Page> busy = new HashSet<>();
        running.values().stream().filter(task -> task.kind == kind).forEach(task -> busy.add(task.page));
        List<Page> cutShort = new ArrayList<>();
        for (Page page : pages) {
            Stage stage = page.stage(kind);
            stage.running = busy.contains(page);
            if (stage.done || stage.running || queued.contains(page) || !wanted.test(page)) continue;
            if (stage.attempts > 0) stage.attempts--;
            stage.lastError = null;
            cutShort.add(page);
        }
        for (int i = cutShort.size() - 1; i >= 0; i--) queue.addFirst(cutShort.get(i));
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
        return why.toString();
    }

    public Progress progress() {
        int runningCrawls = (int) running.values().stream().filter(t -> t.kind == TaskKind.CRAWL).count();
        return new Progress(pages.size(), crawled, rendered, failed,
                stopReason == null ? crawlQueue.size() : 0, stopReason == null ? renderQueue.size() : 0,
                runningCrawls, running.size() - runningCrawls);
    }

    public GraphSnapshot snapshot() {
        List<PageRecord> records = new ArrayList<>(pages.size());
        Set<Link> links = new LinkedHashSet<>();
        for (Page page : pages) {
            records.add(page.record(settings.render()));
            if (page.redirectTarget != null) links.add(new Link(page.url, page.redirectTarget.url));
            for (String href : page.links) {
                Page target = pagesByUrl.get(href);
                if (target != null && target != page) links.add(new Link(page.url, target.url));
            }
        }
        return new GraphSnapshot(records, new ArrayList<>(links));
    }

    private void applyCrawl(Page page, CrawlResult result) {
        page.crawlResult = result;
        crawled++;
        if (result.failed()) {
            failed++;
            events.add(new PageEvent(PageEvent.Type.CRAWL_FAILED, page.url, crawlError(result)));
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
                if (normalized.isEmpty() || !settings.scope().allows(normalized.get())) continue;
                String href = linkPool.computeIfAbsent(normalized.get(), k -> k);
                kept.add(href);
                if (!pagesByUrl.containsKey(href)) admit(href, page.depth + 1);
            }
            page.links = List.copyOf(kept);
            if (settings.render()) {
                page.renderQueued = true;
                renderQueue.add(page);
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
        crawlQueue.add(page);
    }

    private static String crawlError(CrawlResult result) {
        if (result.error() != null) return result.error();
        return result.httpStatus() == 0 ? "no response" : "HTTP " + result.httpStatus();
    }

    /** One launched task: the page it works on, and the URL and screenshot name it was given. */
    private record Task(String taskId, TaskKind kind, Page page, String url, String screenshotName) {}

    /** One kind of work on one page. */
    private static final class Stage {
        /** Attempts charged against the maximum; one cut short by a stop or a crash is given back on resume. */
        int attempts;
        /** Tasks launched, for unique task ids: a Mesos task id is best not reused. */
        int launches;
        boolean running;
        boolean done;
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
            if (!crawl.done) {
                status = PageStatus.UNFINISHED;
                error = crawl.lastError;
            } else if (crawlResult == null || crawlResult.failed() || crawl.lastError != null) {
                status = PageStatus.CRAWL_FAILED;
                error = crawlResult != null && crawlResult.failed() ? crawlError(crawlResult) : crawl.lastError;
            } else if (redirectTarget != null) {
                status = PageStatus.REDIRECTED;
            } else if (!crawlResult.html()) {
                status = PageStatus.NOT_HTML;
            } else if (!renderEnabled) {
                status = PageStatus.CRAWLED;
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
