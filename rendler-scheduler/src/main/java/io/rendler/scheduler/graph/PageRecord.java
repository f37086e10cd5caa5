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
 * @param crawlAttempts  crawl tasks launched for this page; more than 1 means it was retried
 * @param renderAttempts render tasks launched for this page, 0 when it was never rendered
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
        int crawlAttempts,
        int renderAttempts) {

    /** "crawl 1, render 2": the retries, apart per kind; empty when every task succeeded at once. */
    public String retries() {
        StringBuilder text = new StringBuilder();
        if (crawlAttempts > 1) text.append("crawl ").append(crawlAttempts - 1);
        if (renderAttempts > 1) text.append(text.isEmpty() ? "" : ", ").append("render ").append(renderAttempts - 1);
        return text.toString();
    }
}
