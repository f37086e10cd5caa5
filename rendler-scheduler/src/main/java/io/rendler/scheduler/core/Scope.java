package io.rendler.scheduler.core;

import io.rendler.common.CrawlScope;
import java.util.List;

/**
 * Which URLs a crawl may follow. The default is the start URL's host only; a domain allow-list
 * admits those domains and their subdomains; a prefix allow-list admits URLs that start with one
 * of the prefixes. Allow-lists replace the same-host rule rather than adding to it.
 *
 * <p>The rule itself is a {@link CrawlScope}, which every task carries, so that the crawler's
 * redirects and the browser's navigations are held to the same rule as the links found here.
 */
public final class Scope {

    private final CrawlScope rule;

    private Scope(CrawlScope rule) {
        this.rule = rule;
    }

    /** Only URLs on the same host and port as {@code startUrl}. */
    public static Scope sameHost(String startUrl) {
        return new Scope(CrawlScope.sameHost(startUrl));
    }

    /** Hosts equal to, or subdomains of, one of {@code domains} (any port). */
    public static Scope domains(List<String> domains) {
        return new Scope(CrawlScope.domains(domains));
    }

    /** URLs that start with one of {@code prefixes} (already normalised). */
    public static Scope prefixes(List<String> prefixes) {
        return new Scope(CrawlScope.prefixes(prefixes));
    }

    /** Any http(s) URL. Only sensible with tight page and depth limits. */
    public static Scope anywhere() {
        return new Scope(CrawlScope.anywhere());
    }

    public boolean allows(String normalizedUrl) {
        return rule.allows(normalizedUrl);
    }

    /** The rule as the tasks carry it. */
    public CrawlScope rule() {
        return rule;
    }

    @Override
    public String toString() {
        return rule.describe();
    }
}
