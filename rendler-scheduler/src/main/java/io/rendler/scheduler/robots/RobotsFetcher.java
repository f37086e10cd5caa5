package io.rendler.scheduler.robots;

import io.rendler.common.NetworkGuard;
import io.rendler.common.UrlNormalizer;
import io.rendler.crawl.CappedBodySubscriber;
import io.rendler.scheduler.core.RobotsRules;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Fetches robots.txt, once per origin, for the scheduler core, outside it. The scheduler fetches
 * it itself, before any task for that host launches, because it alone decides what launches.
 *
 * <p>Bounds: the same request-forgery guard as the executors (checked on every redirect hop), at
 * most {@value #MAX_REDIRECTS} redirects, the page timeout for the whole fetch, and the first
 * {@value #MAX_BYTES} bytes only (RFC 9309 asks crawlers to parse at least 500 KiB).
 *
 * <p>What an answer means (RFC 9309 §2.3.1): 2xx, the rules it holds; 4xx (404 and 403 included),
 * no rules, everything allowed; 429, 5xx, a timeout or an unreachable host, everything disallowed
 * for this run. A fetch the guard refuses allows everything: the executors refuse those pages
 * themselves, with the guard's reason.
 */
public final class RobotsFetcher implements AutoCloseable {

    static final int MAX_BYTES = 512 * 1024;
    static final int MAX_REDIRECTS = 5;

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final ExecutorService pool = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "robots-fetcher");
        thread.setDaemon(true);
        return thread;
    });
    private final String userAgent;
    private final Duration timeout;
    private final NetworkGuard guard;

    public RobotsFetcher(String userAgent, Duration timeout, NetworkGuard guard) {
        this.userAgent = userAgent;
        this.timeout = timeout;
        this.guard = guard;
    }

    /** Fetches {@code origin}'s robots.txt in the background and hands the rules to {@code answer}. */
    public void fetchAsync(String origin, BiConsumer<String, RobotsRules> answer) {
        pool.execute(() -> {
            try {
                answer.accept(origin, fetch(origin));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** The rules for {@code origin} (scheme://host:port); never throws for a failure of the site. */
    public RobotsRules fetch(String origin) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String url = origin + "/robots.txt";
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            if (guard.refusal(url).isPresent()) return RobotsRules.allowAll();
            HttpResponse<byte[]> response;
            try {
                response = get(url, deadline);
            } catch (TimeoutException e) {
                return RobotsTxt.unavailable("no answer within " + timeout.toMillis() + " ms");
            } catch (IOException | IllegalArgumentException e) {
                return RobotsTxt.unavailable(e.getMessage() != null ? e.getMessage()
                        : e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName());
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return RobotsTxt.parse(url, response.body(), response.headers().firstValue("Content-Type").orElse("text/plain"), userAgent);
            }
            if (status >= 300 && status < 400) {
                String base = url;
                Optional<String> next = response.headers().firstValue("Location").flatMap(location -> UrlNormalizer.resolve(base, location));
                if (next.isEmpty()) return RobotsRules.allowAll();
                url = next.get();
                continue;
            }
            if (status == 429 || status >= 500) return RobotsTxt.unavailable("HTTP " + status);
            return RobotsRules.allowAll();
        }
        return RobotsRules.allowAll(); // RFC 9309: past five redirects, as if there were no robots.txt
    }

    private HttpResponse<byte[]> get(String url, long deadline) throws IOException, InterruptedException, TimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new TimeoutException();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofNanos(left))
                .header("User-Agent", userAgent)
                .GET()
                .build();
        CompletableFuture<HttpResponse<byte[]>> response = client.sendAsync(request, info -> CappedBodySubscriber.firstBytes(MAX_BYTES));
        try {
            return response.get(left, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw io;
            throw new IOException(cause.getMessage(), cause);
        } finally {
            response.cancel(true);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
