package io.rendler.scheduler.graph;

/** Where one page ended up. Every node in the graph has exactly one. */
public enum PageStatus {
    /** Crawled and screenshotted. */
    RENDERED,
    /** Crawled in a run with rendering turned off. */
    CRAWLED,
    /** Crawled; its render failed or is missing. The page itself is fine. */
    RENDER_FAILED,
    /** Fetched fine but not HTML (an image, a PDF): a leaf with no links and no screenshot. */
    NOT_HTML,
    /** Redirected to a page that is already in the graph; a link points at that page instead. */
    REDIRECTED,
    /** The fetch failed: dead host, HTTP error, timeout, redirect loop. */
    CRAWL_FAILED,
    /** Neither fetched nor rendered: the host's robots.txt disallows it (or its final URL). Not a failure. */
    SKIPPED_ROBOTS,
    /** Admitted to the crawl but never finished, because the run was stopped. */
    UNFINISHED
}
