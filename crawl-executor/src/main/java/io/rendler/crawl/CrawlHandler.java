package io.rendler.crawl;

import io.rendler.common.CrawlResult;
import io.rendler.common.ResultMessage;
import io.rendler.common.TaskHandler;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import io.rendler.common.UrlNormalizer;
import java.io.IOException;
import java.util.List;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/**
 * The crawl executor's work: fetch one URL and report the pages it links to.
 *
 * <p>A page that fails (dead host, timeout, 404, redirect loop) is an ordinary {@link CrawlResult}
 * with a one-line error. A body that is not HTML is a success with {@code html=false} and no
 * links, and is never downloaded. The bounds come from the request's
 * {@link io.rendler.common.PageLimits}: the timeout covers the whole fetch, redirects and body
 * included; a body past the size limit is cut there, marked truncated, and its links still count.
 *
 * <p>Thread-safe; callers run up to {@link #parallelism()} crawls at once.
 */
public final class CrawlHandler implements TaskHandler {

    public static final int DEFAULT_PARALLELISM = 8;

    private final int parallelism;
    private final PageFetcher fetcher = new PageFetcher();

    public CrawlHandler() {
        this(DEFAULT_PARALLELISM);
    }

    /** @param parallelism how many fetches the caller may run at once */
    public CrawlHandler(int parallelism) {
        if (parallelism < 1) throw new IllegalArgumentException("parallelism must be at least 1");
        this.parallelism = parallelism;
    }

    @Override
    public TaskKind kind() {
        return TaskKind.CRAWL;
    }

    @Override
    public int parallelism() {
        return parallelism;
    }

    /**
     * Crawls {@code request.url()}.
     *
     * @throws IllegalArgumentException when the request is not a crawl
     * @throws InterruptedException     when the calling thread is interrupted, as a killed task is
     */
    @Override
    public ResultMessage handle(TaskRequest request) throws InterruptedException {
        return ResultMessage.of(crawl(request));
    }

    /** {@link #handle} without the envelope. */
    public CrawlResult crawl(TaskRequest request) throws InterruptedException {
        if (request.kind() != TaskKind.CRAWL) throw new IllegalArgumentException("not a crawl task: " + request.kind());
        long start = System.nanoTime();
        Optional<String> url = UrlNormalizer.normalize(request.url());
        if (url.isEmpty()) {
            return new CrawlResult(request.taskId(), request.url(), request.url(), 0, null, false, List.of(), false,
                    FetchFailures.oneLine("not an http(s) URL: " + request.url()), millisSince(start));
        }

        Fetch fetch = fetcher.fetch(url.get(), request.limits(), request.boundary());
        String error = fetch.error();
        // Error statuses, and the rare 3xx that is not a redirect to follow (304, 300 without Location).
        if (error == null && (fetch.status() < 200 || fetch.status() >= 300)) error = "HTTP " + fetch.status();
        boolean html = error == null && ContentType.isHtml(fetch.contentType());
        List<String> links = List.of();
        if (html) {
            try {
                links = LinkExtractor.pageLinks(parse(fetch));
            } catch (IOException | RuntimeException e) {
                // jsoup is forgiving; this guards the promise that a hostile page never throws.
                html = false;
                error = FetchFailures.oneLine("unparseable page: " + e);
            }
        }
        String contentType = fetch.contentType() == null ? null : fetch.contentType().mediaType();
        return new CrawlResult(request.taskId(), request.url(), fetch.finalUrl(), fetch.status(), contentType,
                html, links, fetch.body().truncated(), error, millisSince(start), retryAfter(fetch));
    }

    /** What a 429 or 503 asked for; other answers' Retry-After means nothing to a crawler. */
    private static Long retryAfter(Fetch fetch) {
        if (fetch.status() != 429 && fetch.status() != 503) return null;
        OptionalLong millis = RetryAfter.millis(fetch.retryAfter(), Instant.now());
        return millis.isPresent() ? millis.getAsLong() : null;
    }

    /** Parses with jsoup's charset detection: the header's charset, else a byte order mark or a meta tag. */
    private static Document parse(Fetch fetch) throws IOException {
        String charset = fetch.contentType() == null ? null : fetch.contentType().charset();
        return Jsoup.parse(fetch.body().stream(), charset, fetch.finalUrl());
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
