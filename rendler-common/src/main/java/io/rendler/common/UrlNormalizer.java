package io.rendler.common;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The one URL normaliser used everywhere, so that every spelling of a page maps to one key.
 *
 * <p>It keeps only absolute http and https URLs with a host; lower-cases scheme and host (and turns
 * an internationalised host into punycode); drops the default port, the user info and the fragment;
 * resolves {@code .} and {@code ..} segments; gives an empty path a {@code /}; percent-encodes
 * spaces, non-ASCII and other characters that are illegal in a URI; decodes escapes of unreserved
 * characters; and upper-cases the hex of the escapes it keeps. The query is kept as it is otherwise.
 * Resolving a link against its page and {@code <base href>} is jsoup's job ({@code absUrl}); this
 * class is handed the absolute result.
 */
public final class UrlNormalizer {

    private UrlNormalizer() {}

    /** The normal form of {@code url}, or empty when it is not a followable http(s) URL. */
    public static Optional<String> normalize(String url) {
        if (url == null) return Optional.empty();
        String trimmed = url.strip();
        if (trimmed.isEmpty()) return Optional.empty();
        URI uri;
        try {
            uri = new URI(escapeIllegal(asciiHost(trimmed)));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme();
        if (scheme == null) return Optional.empty();
        scheme = scheme.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) return Optional.empty();
        String host = uri.getHost();
        if (host == null || host.isEmpty()) return Optional.empty();
        try {
            host = IDN.toASCII(host, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int port = uri.getPort();
        if ((scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443)) port = -1;

        // Escapes are tidied first, so that an escaped dot segment such as %2E%2E is removed too.
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : removeDotSegments(tidyEscapes(uri.getRawPath()));
        StringBuilder out = new StringBuilder(url.length() + 8)
                .append(scheme).append("://").append(host);
        if (port != -1) out.append(':').append(port);
        out.append(path);
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) out.append('?').append(tidyEscapes(query));
        return Optional.of(out.toString());
    }

    /** Resolves {@code href} against the absolute {@code base}, then normalises the result. */
    public static Optional<String> resolve(String base, String href) {
        if (base == null || href == null) return Optional.empty();
        String reference = href.strip();
        // URI.resolve follows RFC 2396 for these two and loses the base's last path segment.
        if (reference.isEmpty() || reference.startsWith("#")) return normalize(base);
        if (reference.startsWith("?")) return normalize(base.strip().replaceFirst("[?#].*", "") + reference);
        try {
            URI baseUri = new URI(escapeIllegal(asciiHost(base.strip())));
            return normalize(baseUri.resolve(new URI(escapeIllegal(asciiHost(reference)))).toString());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Percent-encodes, as UTF-8, every character a URI may not contain: stray {@code %} signs,
     * brackets outside the host, and any {@code #} after the one that starts the fragment.
     */
    static String escapeIllegal(String s) {
        int authorityEnd = authorityEnd(s);
        int fragmentStart = s.indexOf('#');
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c > 0x20 && c < 0x7f && "\"<>\\^`{|} ".indexOf(c) < 0
                    && (c != '%' || isEscape(s, i))
                    && ((c != '[' && c != ']') || i < authorityEnd)
                    && (c != '#' || i == fragmentStart);
            if (ok) {
                if (out != null) out.append(c);
                continue;
            }
            if (out == null) out = new StringBuilder(s.length() + 16).append(s, 0, i);
            int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
            for (byte b : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) appendEscape(out, b);
            i = end - 1;
        }
        return out == null ? s : out.toString();
    }

    /**
     * {@code url} with a non-ASCII host in punycode, as {@link URI} accepts only ASCII hosts; else
     * {@code url} itself.
     */
    private static String asciiHost(String url) {
        int start = authorityStart(url);
        if (start < 0) return url;
        int end = authorityEnd(url);
        int hostStart = Math.max(start, url.lastIndexOf('@', end - 1) + 1);
        if (url.startsWith("[", hostStart)) return url;
        int colon = url.indexOf(':', hostStart);
        int hostEnd = colon >= 0 && colon < end ? colon : end;
        String host = url.substring(hostStart, hostEnd);
        if (host.chars().allMatch(c -> c < 0x80)) return url;
        try {
            return url.substring(0, hostStart) + IDN.toASCII(host, IDN.ALLOW_UNASSIGNED) + url.substring(hostEnd);
        } catch (IllegalArgumentException e) {
            return url; // not a valid name; the URI parser rejects it
        }
    }

    /** Where the authority of {@code s} (after {@code scheme://} or {@code //}) starts, or -1 when it has none. */
    private static int authorityStart(String s) {
        if (s.startsWith("//")) return 2;
        int separator = s.indexOf("://");
        if (separator <= 0) return -1;
        for (int i = 0; i < separator; i++) {
            char c = s.charAt(i);
            boolean schemeChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
            if (!schemeChar) return -1;
        }
        return separator + 3;
    }

    /** Where the authority of {@code s} ends, or 0 when it has none. */
    private static int authorityEnd(String s) {
        int start = authorityStart(s);
        if (start < 0) return 0;
        int end = start;
        while (end < s.length() && "/?#".indexOf(s.charAt(end)) < 0) end++;
        return end;
    }

    private static boolean isEscape(String s, int i) {
        return i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0;
    }

    /** Decodes escapes of unreserved characters and upper-cases the hex of the rest. */
    private static String tidyEscapes(String s) {
        if (s.indexOf('%') < 0) return s;
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && isEscape(s, i)) {
                char decoded = (char) (hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                if (isUnreserved(decoded)) out.append(decoded);
                else appendEscape(out, (byte) decoded);
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** RFC 3986 section 5.2.4, on the raw (still escaped) path. */
    private static String removeDotSegments(String path) {
        String[] segments = path.split("/", -1);
        java.util.ArrayDeque<String> kept = new java.util.ArrayDeque<>();
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            if (segment.equals(".")) {
                if (last) kept.addLast("");
            } else if (segment.equals("..")) {
                kept.pollLast();
                if (last) kept.addLast("");
            } else {
                kept.addLast(segment);
            }
        }
        return "/" + String.join("/", kept);
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static void appendEscape(StringBuilder out, byte b) {
        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
