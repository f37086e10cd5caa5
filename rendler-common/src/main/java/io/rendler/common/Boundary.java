package io.rendler.common;

import java.util.Objects;

/**
 * Where a task may go: the crawl's scope, which redirects and the browser's navigations must stay
 * in, and the request-forgery guard, which every connection must pass. It travels in every
 * {@link TaskRequest}, so the executors hold to it on a Mesos agent as they do in local mode.
 */
public record Boundary(CrawlScope scope, NetworkGuard guard) {

    public Boundary {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(guard, "guard");
    }

    /** Anywhere, private addresses included; for tests of other things. */
    public static Boundary unrestricted() {
        return new Boundary(CrawlScope.anywhere(), NetworkGuard.off());
    }
}
