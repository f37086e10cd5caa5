package io.rendler.scheduler.graph;

import java.time.Duration;

/**
 * The numbers for the one-line summary and the report header.
 *
 * @param startUrl   the normalised start URL
 * @param crawled    pages whose crawl finished (successfully or not)
 * @param rendered   pages with a screenshot
 * @param failed     pages whose crawl or render failed
 * @param edges      links in the graph
 * @param elapsed    wall time from start to outputs
 * @param stopReason why the run ended: "complete", "page limit reached", "interrupted", ...
 */
public record RunSummary(
        String startUrl,
        int crawled,
        int rendered,
        int failed,
        int edges,
        Duration elapsed,
        String stopReason) {

    /** The one line printed at the end of every run. */
    public String line() {
        return String.format(java.util.Locale.ROOT,
                "rendler: %d crawled, %d rendered, %d failed, %d edges in %.1fs (%s)",
                crawled, rendered, failed, edges, elapsed.toMillis() / 1000.0, stopReason);
    }
}
