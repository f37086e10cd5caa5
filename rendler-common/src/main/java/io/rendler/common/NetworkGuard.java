package io.rendler.common;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * The guard against server-side request forgery: a crawled page must not make Rendler, or the
 * Mesos agent it runs on, connect to this machine or a private network. A URL is refused when its
 * host resolves to any {@linkplain AddressRanges#isInternal internal} address, unless its host and
 * port are the start URL's own ({@code trustedAuthority}), so that a crawl of a site on your own
 * machine still works, or the guard is off ({@code allowPrivate}, from {@code --allow-private}).
 *
 * <p>The check is on the resolved address, so a public name that points at 127.0.0.1 is refused
 * too. The crawler and the browser resolve the name again when they connect; the JVM's own cache
 * (30 s by default) makes the crawler's lookup the same one, and a name that changes its answer
 * within that window (DNS rebinding) is a known gap for the browser.
 *
 * @param allowPrivate     true turns the guard off
 * @param trustedAuthority {@code host:port} (the port always written) that is allowed whatever it
 *                         resolves to; null trusts nothing
 */
public record NetworkGuard(boolean allowPrivate, String trustedAuthority) {

    /** The guard of a crawl that starts at {@code startUrl}: on, trusting that URL's host and port. */
    public static NetworkGuard trusting(String startUrl) {
        return new NetworkGuard(false, authority(URI.create(startUrl)));
    }

    /** No guard: {@code --allow-private}. */
    public static NetworkGuard off() {
        return new NetworkGuard(true, null);
    }

    /**
     * Why {@code url} must not be fetched, or empty when it may be. Resolves its host (blocking);
     * a host that does not resolve is let through, as the connection will fail on its own.
     */
    public Optional<String> refusal(String url) {
        if (allowPrivate) return Optional.empty();
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Optional.of("not a valid URL: " + url);
        }
        String host = uri.getHost();
        if (host == null) return Optional.of("no host in " + url);
        if (authority(uri).equals(trustedAuthority)) return Optional.empty();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        for (InetAddress address : addresses) {
            if (AddressRanges.isInternal(address)) {
                return Optional.of("blocked " + hostAndPort(uri) + ": " + address.getHostAddress()
                        + " is a private or local address (--allow-private allows it)");
            }
        }
        return Optional.empty();
    }

    /** {@code host:port} of an http(s) URI, the default port written out. */
    public static String authority(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return host + ":" + port(uri);
    }

    private static String hostAndPort(URI uri) {
        return uri.getHost() + ":" + port(uri);
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) return uri.getPort();
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
