package io.rendler.scheduler.graph;

/**
 * Everything the outputs know about one page.
 *
 * @param url          the normalised URL; the node's identity
 * @param depth        link distance from the start URL
 * @param status       the outcome
 * @param finalUrl     the URL after redirects, or null when not fetched
 * @param httpStatus   the final HTTP status, 0 when there was no response
 * @param contentType  the media type without parameters, or null
 * @param screenshot   the PNG's file name under {@code screenshots/}, or null
 * @param error        a one-line reason for a failed crawl or render, or null
 * @param truncated    the body was cut at the size cap
 * @param crawlMillis  time the crawl executor spent, 0 when not crawled
 * @param renderMillis time the render executor spent, 0 when not rendered
 * @param attempts     task attempts used for this page, crawl and render together
 */
public record PageRecord(
        String url,
        int depth,
        PageStatus status,
        String finalUrl,
        int httpStatus,
        String contentType,
        String screenshot,
        String error,
        boolean truncated,
        long crawlMillis,
        long renderMillis,
        int attempts) {}
