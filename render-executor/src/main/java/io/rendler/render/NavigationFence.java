package io.rendler.render;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import io.rendler.common.Boundary;
import io.rendler.common.UrlNormalizer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Holds one slot's page to its task's {@link Boundary}: every request the page makes comes here
 * before it leaves ({@link #watch}).
 *
 * <ul>
 *   <li>A navigation of the page itself (script, meta refresh, a redirect only the browser was sent,
 *       a timer after the load event) to a URL outside the crawl's scope is stopped, and the render
 *       fails with a reason that names the target ({@link #escape}).
 *   <li>An iframe's navigation outside the scope is stopped; the page renders without it.
 *   <li>Any request, subresources included, to an address the request-forgery guard refuses is
 *       stopped; for the page itself that fails the render too.
 * </ul>
 *
 * <p>Popups are not opened at all, and service workers not started ({@link RenderSlot}), so the
 * page's own requests are all there is to watch.
 *
 * <p>Playwright for Java delivers DevTools events on the thread that is inside a Playwright call, which
 * is always the slot's own thread, so this class needs no locking. A request that arrives while the
 * slot is idle waits, unsent, until the slot's next call. So a task's own navigation is what opens
 * its watch: a navigation the previous page started after its screenshot (a timer) comes in
 * before it and is stopped without being held against the new task.
 */
final class NavigationFence {

    /** Guard answers are kept this long per host and port, so a page's twenty images cost one lookup. */
    private static final long GUARD_CACHE_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int GUARD_CACHE_ENTRIES = 512;

    private record GuardAnswer(Optional<String> refusal, long atNanos) {}

    private final Map<String, GuardAnswer> guardAnswers = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, GuardAnswer> eldest) {
            return size() > GUARD_CACHE_ENTRIES;
        }
    };

    private Page page;
    private String taskUrl;
    private Boundary boundary = Boundary.unrestricted();
    private String escape;
    /** The task's own navigation has been seen; until then a page navigation out of bounds is the previous page's. */
    private boolean taskNavigationSeen;

    /** From now on, {@code current} loading {@code url} is the one page allowed, within {@code taskBoundary}. */
    void arm(Page current, String url, Boundary taskBoundary) {
        if (!taskBoundary.guard().equals(boundary.guard())) guardAnswers.clear();
        page = current;
        taskUrl = url;
        boundary = taskBoundary;
        escape = null;
        taskNavigationSeen = false;
    }

    /** The first way the page tried to leave its boundary since {@link #arm}, if it did. */
    Optional<String> escape() {
        return Optional.ofNullable(escape);
    }

    /**
     * Starts watching {@code page}: a DevTools session of its own, kept for the page's life, pauses
     * every request the page makes (frames and redirect hops included) until this fence lets it go.
     * One round trip to this JVM per request that reaches the network; the browser's cache stays on.
     */
    static void watch(Page page, NavigationFence fence) {
        CDPSession session = page.context().newCDPSession(page);
        String mainFrameId = session.send("Page.getFrameTree").getAsJsonObject("frameTree").getAsJsonObject("frame").get("id").getAsString();
        session.on("Fetch.requestPaused", event -> fence.onPaused(session, page, mainFrameId, event));
        JsonObject pattern = new JsonObject();
        pattern.addProperty("urlPattern", "*");
        JsonArray patterns = new JsonArray();
        patterns.add(pattern);
        JsonObject params = new JsonObject();
        params.add("patterns", patterns);
        session.send("Fetch.enable", params);
    }

    private void onPaused(CDPSession session, Page owner, String mainFrameId, JsonObject event) {
        JsonObject params = new JsonObject();
        params.add("requestId", event.get("requestId"));
        try {
            String url = event.getAsJsonObject("request").get("url").getAsString();
            boolean navigation = event.has("resourceType") && event.get("resourceType").getAsString().equals("Document");
            boolean topLevel = navigation && event.has("frameId") && event.get("frameId").getAsString().equals(mainFrameId);
            boolean redirect = event.has("redirectedRequestId");
            Optional<String> refusal = owner == page ? refusal(url, navigation, topLevel, redirect) : Optional.of("another page");
            if (refusal.isEmpty()) {
                session.send("Fetch.continueRequest", params);
            } else {
                params.addProperty("errorReason", "BlockedByClient");
                session.send("Fetch.failRequest", params);
            }
        } catch (PlaywrightException e) {
            // The page or the request went away meanwhile: nothing to stop.
        }
    }

    private Optional<String> refusal(String url, boolean navigation, boolean topLevel, boolean redirect) {
        if (!url.startsWith("http:") && !url.startsWith("https:")) return Optional.empty(); // data:, blob: stay in the browser
        if (topLevel && url.equals(taskUrl)) taskNavigationSeen = true;
        if (navigation && !url.equals(taskUrl) && !inScope(url)) {
            if (!topLevel) return Optional.of("frame out of scope");
            String how = redirect ? "redirected" : "navigated";
            return taskNavigationSeen ? escaped(how + " out of scope to " + url) : Optional.of("the previous page navigating away");
        }
        Optional<String> refused = guardRefusal(url);
        if (!topLevel) return refused;
        if (refused.isPresent()) {
            return taskNavigationSeen ? escaped(refused.get() + " (" + (redirect ? "redirected" : "navigating") + " to " + url + ")") : refused;
        }
        taskNavigationSeen = true; // the task's own navigation, or one inside the scope that it supersedes
        return Optional.empty();
    }

    private Optional<String> escaped(String reason) {
        if (escape == null) escape = reason;
        return Optional.of(reason);
    }

    private boolean inScope(String url) {
        return UrlNormalizer.normalize(url).map(boundary.scope()::allows).orElse(false);
    }

    private Optional<String> guardRefusal(String url) {
        if (boundary.guard().allowPrivate()) return Optional.empty();
        String key = hostAndPort(url);
        long now = System.nanoTime();
        GuardAnswer cached = guardAnswers.get(key);
        if (cached == null || now - cached.atNanos() > GUARD_CACHE_NANOS) {
            cached = new GuardAnswer(boundary.guard().refusal(url), now);
            guardAnswers.put(key, cached);
        }
        return cached.refusal();
    }

    /** The scheme, host and port part of {@code url}, which is all the guard's answer depends on. */
    private static String hostAndPort(String url) {
        int start = url.indexOf("://") + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) end++;
        return url.substring(0, end);
    }
}
