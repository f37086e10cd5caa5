package io.rendler.scheduler.core;

import io.rendler.common.PageLimits;
import java.util.Objects;

/**
 * The knobs of one crawl, fixed before it starts.
 *
 * @param startUrl    the normalised start URL
 * @param maxPages    pages admitted to the crawl at most, the start page included
 * @param maxDepth    link distance from the start page at most (the start page is depth 0)
 * @param scope       which URLs may be followed
 * @param limits      per-page bounds handed to every task
 * @param render      false for a crawl-only run
 * @param maxAttempts task attempts per page and kind before the page is marked failed
 */
public record CrawlSettings(
        String startUrl,
        int maxPages,
        int maxDepth,
        Scope scope,
        PageLimits limits,
        boolean render,
        int maxAttempts) {

    public CrawlSettings {
        Objects.requireNonNull(startUrl, "startUrl");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(limits, "limits");
        if (maxPages < 1) throw new IllegalArgumentException("max pages must be at least 1");
        if (maxDepth < 0) throw new IllegalArgumentException("max depth must not be negative");
        if (maxAttempts < 1) throw new IllegalArgumentException("max attempts must be at least 1");
    }
}
