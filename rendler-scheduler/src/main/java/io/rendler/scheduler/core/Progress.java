package io.rendler.scheduler.core;

/**
 * Live counters for the progress line.
 *
 * @param admitted       pages in the graph so far
 * @param crawled        pages whose crawl has an outcome
 * @param rendered       pages with a screenshot
 * @param failed         pages whose crawl or render failed for good
 * @param pendingCrawls  crawl tasks waiting for a slot
 * @param pendingRenders render tasks waiting for a slot
 * @param runningCrawls  crawl tasks in flight
 * @param runningRenders render tasks in flight
 */
public record Progress(
        int admitted,
        int crawled,
        int rendered,
        int failed,
        int pendingCrawls,
        int pendingRenders,
        int runningCrawls,
        int runningRenders) {

    public int inFlight() {
        return runningCrawls + runningRenders;
    }
}
