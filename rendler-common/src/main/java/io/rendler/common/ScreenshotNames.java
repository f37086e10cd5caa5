package io.rendler.common;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stable, file-system-safe PNG names derived from a page URL: a readable slug of host and path,
 * then a short hash of the whole URL so that different URLs never share a name.
 * {@code https://example.org/docs/a b.html?x=1} becomes {@code example.org_docs_a_b.html-1f2e3d4c5b6a.png}.
 */
public final class ScreenshotNames {

    private static final int MAX_SLUG = 80;

    private ScreenshotNames() {}

    public static String forUrl(String url) {
        URI uri = URI.create(url);
        String host = uri.getHost() == null ? "page" : uri.getHost();
        String raw = host + (uri.getPort() > 0 ? "_" + uri.getPort() : "") + (uri.getPath() == null ? "" : uri.getPath());
        StringBuilder slug = new StringBuilder();
        for (char c : raw.toCharArray()) {
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
            char next = safe ? c : '_';
            if (next == '_' && slug.length() > 0 && slug.charAt(slug.length() - 1) == '_') continue;
            slug.append(next);
            if (slug.length() == MAX_SLUG) break;
        }
        while (slug.length() > 0 && slug.charAt(slug.length() - 1) == '_') slug.setLength(slug.length() - 1);
        return slug + "-" + shortHash(url) + ".png";
    }

    /** The first 12 hex digits of the SHA-256 of {@code url}. */
    public static String shortHash(String url) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
