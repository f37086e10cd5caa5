package io.rendler.common;

import java.util.List;

/**
 * What a crawl task found on one page.
 *
 * @param taskId        the task that produced this result
 * @param url           the URL that was requested
 * @param finalUrl      the URL after redirects; equal to {@code url} when there were none
 * @param httpStatus    the final HTTP status, or 0 when no response arrived
 * @param contentType   the response's media type without parameters, or null
 * @param html          true when the body was parsed as HTML, which is what makes a page renderable
 * @param links         absolute, normalised http(s) links in document order, without duplicates
 * @param truncated     the body was cut at {@link PageLimits#maxBodyBytes()}
 * @param error         a one-line reason when the fetch failed, else null
 * @param elapsedMillis time spent on the fetch and parse
 * @param retryAfterMillis how long a 429 or 503 answer asked us to wait (its {@code Retry-After}), or null
 */
public record CrawlResult(
        String taskId,
        String url,
        String finalUrl,
        int httpStatus,
        String contentType,
        boolean html,
        List<String> links,
        boolean truncated,
        String error,
        long elapsedMillis,
        Long retryAfterMillis) {

    public CrawlResult {
        links = links == null ? List.of() : List.copyOf(links);
        if (retryAfterMillis != null && retryAfterMillis < 0) retryAfterMillis = 0L;
    }

    /** A result without a {@code Retry-After}. */
    public CrawlResult(String taskId, String url, String finalUrl, int httpStatus, String contentType, boolean html,
            List<String> links, boolean truncated, String error, long elapsedMillis) {
        this(taskId, url, finalUrl, httpStatus, contentType, html, links, truncated, error, elapsedMillis, null);
    }

    public boolean failed() {
        return error != null || httpStatus >= 400 || httpStatus == 0;
    }
}
