package io.rendler.scheduler.core;

import io.rendler.common.Boundary;
import io.rendler.common.NetworkGuard;
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
 * @param guard       the request-forgery guard every task's connections must pass
 * @param politeness  robots.txt and the per-host limits
 * @param patterns    the --include and --exclude globs links must pass to be followed
 */
public record CrawlSettings(
        String startUrl,
        int maxPages,
        int maxDepth,
        Scope scope,
        PageLimits limits,
        boolean render,
        int maxAttempts,
        NetworkGuard guard,
        Politeness politeness,
        UrlPatterns patterns) {

    public CrawlSettings {
        Objects.requireNonNull(startUrl, "startUrl");
        Objects.requireNonNull(politeness, "politeness");
        Objects.requireNonNull(patterns, "patterns");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(guard, "guard");
        if (maxPages < 1) throw new IllegalArgumentException("max pages must be at least 1");
        if (maxDepth < 0) throw new IllegalArgumentException("max depth must not be negative");
        if (maxAttempts < 1) throw new IllegalArgumentException("max attempts must be at least 1");
    }

    /** Settings without politeness rules or patterns, for tests of other things. */
    public CrawlSettings(String startUrl, int maxPages, int maxDepth, Scope scope, PageLimits limits, boolean render, int maxAttempts,
            NetworkGuard guard) {
        this(startUrl, maxPages, maxDepth, scope, limits, render, maxAttempts, guard, Politeness.none(), UrlPatterns.all());
    }

    /** The same settings with other politeness rules. */
    public CrawlSettings withPoliteness(Politeness newPoliteness) {
        return new CrawlSettings(startUrl, maxPages, maxDepth, scope, limits, render, maxAttempts, guard, newPoliteness, patterns);
    }

    /** The same settings with other include and exclude patterns. */
    public CrawlSettings withPatterns(UrlPatterns newPatterns) {
        return new CrawlSettings(startUrl, maxPages, maxDepth, scope, limits, render, maxAttempts, guard, politeness, newPatterns);
    }

    /** The same settings with the guard on and trusting only the start URL's host and port, as by default. */
    public CrawlSettings(String startUrl, int maxPages, int maxDepth, Scope scope, PageLimits limits, boolean render, int maxAttempts) {
        this(startUrl, maxPages, maxDepth, scope, limits, render, maxAttempts, NetworkGuard.trusting(startUrl));
    }

    /** What every task of this crawl carries: the scope and the guard. */
    public Boundary boundary() {
        return new Boundary(scope.rule(), guard);
    }
}
