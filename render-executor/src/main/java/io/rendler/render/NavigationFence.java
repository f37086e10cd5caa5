package io.rendler.render;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Frame;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.Route;
import io.rendler.common.Boundary;
import io.rendler.common.UrlNormalizer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Holds one slot's page to its task's {@link Boundary}, as the route handler of the slot's browser
 * context: every request the browser makes comes here before it leaves.
 *
 * <ul>
 *   <li>A navigation of the page itself (script, meta refresh, a redirect only the browser was sent,
 *       a timer after the load event) to a URL outside the crawl's scope is stopped, and the render
 *       fails with a reason that names the target ({@link #escape}).
 *   <li>An iframe's navigation outside the scope is stopped; the page renders without it.
 *   <li>Any request from another page (a popup) is stopped; the slot closes such pages.
 *   <li>Any request, subresources included, to an address the request-forgery guard refuses is
 *       stopped; for the page itself that fails the render too.
 * </ul>
 *
 * <p>Playwright for Java calls route handlers on the thread that is inside a Playwright call, which
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
     * Playwright never shows a route handler the hops of a redirect: it lets the browser follow them.
     * So each page also gets a DevTools session of its own that pauses every document (page or frame)
     * at its response; a redirect is followed only when its target is allowed. One round trip per
     * document, none per subresource.
     */
    static CDPSession watchRedirects(Page page, NavigationFence fence) {
        CDPSession session = page.context().newCDPSession(page);
        String mainFrameId = session.send("Page.getFrameTree").getAsJsonObject("frameTree").getAsJsonObject("frame").get("id").getAsString();
        session.on("Fetch.requestPaused", event -> fence.onDocumentResponse(session, page, mainFrameId, event));
        JsonObject pattern = new JsonObject();
        pattern.addProperty("urlPattern", "*");
        pattern.addProperty("resourceType", "Document");
        pattern.addProperty("requestStage", "Response");
        JsonArray patterns = new JsonArray();
        patterns.add(pattern);
        JsonObject params = new JsonObject();
        params.add("patterns", patterns);
        session.send("Fetch.enable", params);
        return session;
    }

    private void onDocumentResponse(CDPSession session, Page owner, String mainFrameId, JsonObject event) {
        JsonObject params = new JsonObject();
        params.add("requestId", event.get("requestId"));
        try {
            Optional<String> refusal = redirectRefusal(owner, mainFrameId, event);
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

    private Optional<String> redirectRefusal(Page owner, String mainFrameId, JsonObject event) {
        int status = event.has("responseStatusCode") ? event.get("responseStatusCode").getAsInt() : 0;
        if (status < 300 || status > 399 || !event.has("responseHeaders")) return Optional.empty();
        String location = null;
        for (JsonElement header : event.getAsJsonArray("responseHeaders")) {
            JsonObject nameValue = header.getAsJsonObject();
            if (nameValue.get("name").getAsString().equalsIgnoreCase("Location")) location = nameValue.get("value").getAsString();
        }
        if (location == null) return Optional.empty();
        String from = event.getAsJsonObject("request").get("url").getAsString();
        Optional<String> target = UrlNormalizer.resolve(from, location);
        if (owner != page) return Optional.of("from another tab");
        boolean topLevel = event.has("frameId") && event.get("frameId").getAsString().equals(mainFrameId);
        if (target.isEmpty()) return Optional.empty(); // not http(s); the browser will not fetch it from the network
        if (!inScope(target.get())) {
            return topLevel ? escaped("redirected out of scope to " + target.get()) : Optional.of("frame redirected out of scope");
        }
        Optional<String> refused = guardRefusal(target.get());
        if (refused.isPresent() && topLevel) return escaped(refused.get() + " (redirected to " + target.get() + ")");
        return refused;
    }

    void handle(Route route) {
        try {
            Optional<String> refusal = refusal(route.request());
            if (refusal.isEmpty()) {
                route.resume();
            } else {
                route.abort("blockedbyclient");
            }
        } catch (PlaywrightException e) {
            // The page or the request went away meanwhile (a new navigation, a closed tab): nothing to stop.
        }
    }

    private Optional<String> refusal(Request request) {
        String url = request.url();
        if (!url.startsWith("http:") && !url.startsWith("https:")) return Optional.empty(); // data:, blob: stay in the browser
        Frame frame;
        try {
            frame = request.frame();
        } catch (PlaywrightException e) {
            return Optional.of("not from a page"); // a service worker's own request
        }
        if (page == null || frame.page() != page) return Optional.of("from another tab");
        boolean topLevel = request.isNavigationRequest() && frame.parentFrame() == null;
        if (topLevel && url.equals(taskUrl)) taskNavigationSeen = true;
        if (request.isNavigationRequest() && !url.equals(taskUrl) && !inScope(url)) {
            if (!topLevel) return Optional.of("frame out of scope");
            return taskNavigationSeen ? escaped("navigated out of scope to " + url) : Optional.of("the previous page navigating away");
        }
        Optional<String> refused = guardRefusal(url);
        if (!topLevel) return refused;
        if (refused.isPresent()) {
            return taskNavigationSeen ? escaped(refused.get() + " (navigating to " + url + ")") : refused;
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
