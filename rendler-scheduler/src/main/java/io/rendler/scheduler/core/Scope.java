package io.rendler.scheduler.core;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which URLs a crawl may follow. The default is the start URL's host only; a domain allow-list
 * admits those domains and their subdomains; a prefix allow-list admits URLs that start with one
 * of the prefixes. Allow-lists replace the same-host rule rather than adding to it.
 */
public final class Scope {

    private final String description;
    private final List<String> hosts;
    private final List<String> domains;
    private final List<String> prefixes;

    private Scope(String description, List<String> hosts, List<String> domains, List<String> prefixes) {
        this.description = description;
        this.hosts = List.copyOf(hosts);
        this.domains = List.copyOf(domains);
        this.prefixes = List.copyOf(prefixes);
    }

    /** Only URLs on the same host and port as {@code startUrl}. */
    public static Scope sameHost(String startUrl) {
        String authority = authority(startUrl);
        return new Scope("same host " + authority, List.of(authority), List.of(), List.of());
    }

    /** Hosts equal to, or subdomains of, one of {@code domains} (any port). */
    public static Scope domains(List<String> domains) {
        List<String> lower = domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        return new Scope("domains " + String.join(", ", lower), List.of(), lower, List.of());
    }

    /** URLs that start with one of {@code prefixes} (already normalised). */
    public static Scope prefixes(List<String> prefixes) {
        return new Scope("prefixes " + String.join(", ", prefixes), List.of(), List.of(), prefixes);
    }

    /** Any http(s) URL. Only sensible with tight page and depth limits. */
    public static Scope anywhere() {
        return new Scope("anywhere", List.of(), List.of(), List.of());
    }

    public boolean allows(String normalizedUrl) {
        if (!hosts.isEmpty()) return hosts.contains(authority(normalizedUrl));
        if (!domains.isEmpty()) {
            String host = URI.create(normalizedUrl).getHost();
            return host != null && domains.stream().anyMatch(d -> host.equals(d) || host.endsWith("." + d));
        }
        if (!prefixes.isEmpty()) return prefixes.stream().anyMatch(normalizedUrl::startsWith);
        return true;
    }

    private static String authority(String url) {
        URI uri = URI.create(url);
        return uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    @Override
    public String toString() {
        return description;
    }
}
