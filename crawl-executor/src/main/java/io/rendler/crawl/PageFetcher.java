package io.rendler.crawl;

import io.rendler.common.Boundary;
import io.rendler.common.PageLimits;
import io.rendler.common.UrlNormalizer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches one page with the JDK HTTP client: redirects followed here, hop by hop, up to the page's
 * limit, and the whole chain held to one wall-clock deadline. A redirect out of the crawl's scope is
 * not followed, and no request goes to an address the request-forgery guard refuses, the first one
 * included: both are checked before the request, not after.
 *
 * <p>Why the JDK client rather than jsoup's {@code Connection}: a socket read timeout restarts
 * with every byte, so a server that trickles a byte a second never times out, and a thread
 * blocked in a socket read cannot be woken by another. The JDK client is asynchronous, so the
 * calling thread only ever waits on a future with the time left, and at the deadline it cancels
 * the exchange and the body. jsoup still does the parsing.
 *
 * <p>Thread-safe: the one client is shared, and every fetch keeps its state on its own stack.
 */
final class PageFetcher {

    private static final String ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /**
     * Fetches {@code url}, an already normalised http(s) URL. Every failure of the page or the
     * network comes back as a {@link Fetch} with an error.
     *
     * @throws InterruptedException when the calling thread is interrupted; the exchange is cancelled first
     */
    Fetch fetch(String url, PageLimits limits, Boundary boundary) throws InterruptedException {
        Deadline deadline = Deadline.after(Duration.ofMillis(limits.timeoutMillis()));
        Set<String> visited = new HashSet<>();
        String current = url;
        for (int redirects = 0; ; redirects++) {
            visited.add(current);
            Optional<String> refused = boundary.guard().refusal(current);
            if (refused.isPresent()) return Fetch.failed(current, 0, null, refused.get());
            PageBodyHandler bodyHandler = new PageBodyHandler(limits.maxBodyBytes());
            HttpResponse<Body> response;
            try {
                response = exchange(current, bodyHandler, limits, deadline);
            } catch (TimeoutException e) {
                return Fetch.failed(current, bodyHandler.status(), bodyHandler.contentType(), FetchFailures.timeout(limits.timeoutMillis()));
            } catch (IOException | IllegalArgumentException e) {
                String reason = FetchFailures.isConnectFailure(e)
                        ? ConnectProbe.reason(current, deadline)
                        : FetchFailures.describe(e, limits.timeoutMillis());
                return Fetch.failed(current, bodyHandler.status(), bodyHandler.contentType(), reason);
            }

            int status = response.statusCode();
            ContentType type = ContentType.parse(response.headers().firstValue("Content-Type").orElse(null));
            if (!isRedirect(status)) {
                try {
                    Body body = ContentDecoding.decode(response.headers().firstValue("Content-Encoding").orElse(null),
                            response.body(), limits.maxBodyBytes());
                    return new Fetch(current, status, type, body, null, response.headers().firstValue("Retry-After").orElse(null));
                } catch (IOException e) {
                    return Fetch.failed(current, status, type, e.getMessage());
                }
            }

            Optional<String> location = response.headers().firstValue("Location");
            if (location.isEmpty()) return Fetch.failed(current, status, type, "HTTP " + status + " without a Location header");
            Optional<String> next = UrlNormalizer.resolve(current, location.get());
            if (next.isEmpty()) {
                return Fetch.failed(current, status, type, FetchFailures.oneLine("redirect to an unsupported URL: " + location.get()));
            }
            if (visited.contains(next.get())) {
                return Fetch.failed(current, status, type, "redirect loop (back to " + next.get() + ")");
            }
            if (!boundary.scope().allows(next.get())) {
                return Fetch.failed(current, status, type, "redirected out of scope to " + next.get() + " (not followed)");
            }
            if (redirects == limits.maxRedirects()) {
                return Fetch.failed(current, status, type, "too many redirects (more than " + limits.maxRedirects() + ")");
            }
            current = next.get();
        }
    }

    /** One request and response, given only the time left before the deadline. */
    private HttpResponse<Body> exchange(String url, PageBodyHandler bodyHandler, PageLimits limits, Deadline deadline)
            throws IOException, InterruptedException, TimeoutException {
        if (deadline.passed()) throw new TimeoutException();
        String userAgent = limits.userAgent() == null ? PageLimits.DEFAULT_USER_AGENT : limits.userAgent();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                // Also the client's own timer, which stops a request that never gets a response.
                .timeout(atLeastOneMilli(deadline.remaining()))
                .header("User-Agent", userAgent)
                .header("Accept", ACCEPT)
                .GET()
                .build();
        CompletableFuture<HttpResponse<Body>> response = client.sendAsync(request, bodyHandler);
        try {
            return response.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw io;
            throw new IOException(cause.getMessage(), cause);
        } finally {
            if (!response.isDone()) {
                response.cancel(true);
                bodyHandler.abandon();
            }
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static Duration atLeastOneMilli(Duration duration) {
        return duration.toMillis() < 1 ? Duration.ofMillis(1) : duration;
    }
}
