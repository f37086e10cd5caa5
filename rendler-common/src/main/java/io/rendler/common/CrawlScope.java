package io.rendler.common;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which URLs a crawl may follow, as data that travels with every task, so that the scheduler, the
 * crawler's redirects and the browser's navigations all obey the same rule. When {@code hosts} is
 * not empty only those authorities ({@code host} or {@code host:port}, as {@link UrlNormalizer}
 * writes them) are in scope; else when {@code domains} is not empty those domains and their
 * subdomains; else when {@code prefixes} is not empty the URLs that start with one of them; else any
 * http(s) URL.
 */
public record CrawlScope(List<String> hosts, List<String> domains, List<String> prefixes) {

    public CrawlScope {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        domains = domains == null ? List.of() : domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        prefixes = prefixes == null ? List.of() : List.copyOf(prefixes);
    }

    /** Only URLs on the same host and port as {@code startUrl}, a normalised URL. */
    public static CrawlScope sameHost(String startUrl) {
        return new CrawlScope(List.of(authority(startUrl)), List.of(), List.of());
    }

    public static CrawlScope domains(List<String> domains) {
        return new CrawlScope(List.of(), domains, List.of());
    }

    public static CrawlScope prefixes(List<String> normalizedPrefixes) {
        return new CrawlScope(List.of(), List.of(), normalizedPrefixes);
    }

    public static CrawlScope anywhere() {
        return new CrawlScope(List.of(), List.of(), List.of());
    }

    /** Whether the normalised http(s) URL {@code url} is in scope; false for anything unparseable. */
    public boolean allows(String url) {
        String authority;
        String host;
        try {
            URI uri = URI.create(url);
            host = uri.getHost();
            authority = authority(uri);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (host == null) return false;
        if (!hosts.isEmpty()) return hosts.contains(authority);
        if (!domains.isEmpty()) {
            String lower = host.toLowerCase(Locale.ROOT);
            return domains.stream().anyMatch(d -> lower.equals(d) || lower.endsWith("." + d));
        }
        if (!prefixes.isEmpty()) return prefixes.stream().anyMatch(url::startsWith);
        return true;
    }

    /** What a person reads in the log: "same host example.org", "domains a.org, b.org", ... */
    public String describe() {
        if (!hosts.isEmpty()) return "same host " + String.join(", ", hosts);
        if (!domains.isEmpty()) return "domains " + String.join(", ", domains);
        if (!prefixes.isEmpty()) return "prefixes " + String.join(", ", prefixes);
        return "anywhere";
    }

    private static String authority(String url) {
        return authority(URI.create(url));
    }

    private static String authority(URI uri) {
        return uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }
}
