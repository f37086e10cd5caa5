package io.rendler.scheduler.core;

import java.time.Duration;

/**
 * One host's robots.txt as the core needs it. Fetching and parsing it is I/O and happens outside
 * the core, which gets the answer as an event ({@link CrawlScheduler#onRobots}).
 */
public interface RobotsRules {

    /** Whether {@code url}, a URL on this host, may be fetched and rendered. */
    boolean allows(String url);

    /** The host's Crawl-delay; zero when it sets none. */
    Duration crawlDelay();

    /** Why a page is skipped, for the report: e.g. "disallowed by robots.txt". */
    String denial();

    /** No robots.txt, or one that is ignored: everything is allowed. Always the same instance. */
    static RobotsRules allowAll() {
        return AllowAll.INSTANCE;
    }

    /** Holder of {@link #allowAll()}'s instance. */
    final class AllowAll {
        private AllowAll() {}

        static final RobotsRules INSTANCE = new RobotsRules() {
            @Override
            public boolean allows(String url) {
                return true;
            }

            @Override
            public Duration crawlDelay() {
                return Duration.ZERO;
            }

            @Override
            public String denial() {
                return "";
            }
        };
    }
}
