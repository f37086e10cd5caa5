package io.rendler.scheduler.output;

import io.rendler.common.ScreenshotNames;
import java.nio.charset.StandardCharsets;

/**
 * Quoting for the DOT language as Graphviz reads it. Three kinds of value need three treatments,
 * because Graphviz runs attribute strings through more than the lexer:
 *
 * <ul>
 *   <li>Node IDs go through the lexer only, which turns {@code \"} into {@code "} and keeps every
 *       other backslash. An ID ending in a lone backslash cannot be written at all, so backslashes
 *       are doubled: the name Graphviz stores is then not byte-for-byte the URL, but the mapping is
 *       one-to-one and node and edge statements use the same spelling, which is what matters.
 *   <li>Labels are escStrings: {@code \n}, {@code \l}, {@code \N}, {@code \G}... are expanded and
 *       entities such as {@code &amp;amp;} are decoded before drawing. Literal text therefore needs
 *       {@code \\} for a backslash and {@code &amp;amp;} for an ampersand.
 *   <li>{@code URL} and {@code tooltip} are escStrings too, but Graphviz 2.43 expands tooltips twice
 *       and copies {@code URL} into SVG without escaping {@code &}. Rather than depend on one
 *       version's quirks, those values never contain a backslash or a quote: characters a URL may
 *       not contain are percent-encoded, and {@code &} is written as an entity.
 * </ul>
 */
final class DotStrings {

    private static final char REPLACEMENT = '\uFFFD';
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /**
     * The longest text put into one DOT string before quoting. Graphviz refuses a quoted string of
     * 16,384 characters or more, and rejects the whole file for it; quoting can make a string up to
     * nine times as long (a lone surrogate becomes {@code %EF%BF%BD}).
     */
    static final int MAX_TEXT_CHARS = 1_500;

    private DotStrings() {}

    /**
     * {@code id} itself when it is short enough for Graphviz, else its start, an ellipsis and a hash
     * of the whole, so that two long IDs with the same start stay two nodes.
     */
    static String boundedId(String id) {
        if (id.length() <= MAX_TEXT_CHARS) return id;
        String hash = ScreenshotNames.shortHash(id);
        return cut(id, MAX_TEXT_CHARS - hash.length() - 1) + "\u2026" + hash;
    }

    /** {@code text} cut to fit one DOT string, marked with an ellipsis when it was cut. */
    static String bounded(String text) {
        return text.length() <= MAX_TEXT_CHARS ? text : cut(text, MAX_TEXT_CHARS - 1) + "\u2026";
    }

    private static String cut(String text, int chars) {
        int end = Character.isHighSurrogate(text.charAt(chars - 1)) ? chars - 1 : chars;
        return text.substring(0, end);
    }

    /** A quoted node ID for {@code id}; distinct IDs always give distinct results. */
    static String quotedId(String id) {
        if (isPlain(id)) return '"' + id + '"';
        StringBuilder out = new StringBuilder(id.length() + 8).append('"');
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '"') {
                out.append("\\\"");
            } else if (c == '\\') {
                out.append("\\\\");
            } else if ((c < 0x20 && c != '\n' && c != '\t') || isLoneSurrogate(id, i)) {
                // Real backslashes are all doubled above, so a single one here cannot be confused
                // with text from the URL. It keeps NUL and friends out of Graphviz's C strings.
                out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF])
                        .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** A quoted label showing {@code lines} literally, one per line, centred. */
    static String quotedLabel(String... lines) {
        StringBuilder out = new StringBuilder().append('"');
        for (int n = 0; n < lines.length; n++) {
            if (n > 0) out.append("\\n");
            String line = lines[n];
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '&' -> out.append("&amp;");
                    default -> out.append(c < 0x20 || c == 0x7F || isLoneSurrogate(line, i) ? REPLACEMENT : c);
                }
            }
        }
        return out.append('"').toString();
    }

    /**
     * A quoted value for {@code URL} or {@code tooltip}: the URL with every character a URL may
     * not contain percent-encoded (non-ASCII stays readable), and {@code &} as an entity.
     */
    static String quotedUrl(String url) {
        String safe = percentEncodeUnsafe(url);
        return '"' + (safe.indexOf('&') < 0 ? safe : safe.replace("&", "&amp;")) + '"';
    }

    /** A quoted value that is known to be plain, such as a colour or a number. */
    static String quoted(String plain) {
        if (!isPlain(plain)) throw new IllegalArgumentException("not a plain DOT value: " + plain);
        return '"' + plain + '"';
    }

    /**
     * {@code url} with controls, space, {@code " < > \ ^ ` { | }} and unpaired surrogates
     * percent-encoded as UTF-8. Existing escapes are left as they are.
     */
    static String percentEncodeUnsafe(String url) {
        int first = 0;
        while (first < url.length() && !isUnsafeInUrl(url, first)) first++;
        if (first == url.length()) return url;
        StringBuilder out = new StringBuilder(url.length() + 16).append(url, 0, first);
        for (int i = first; i < url.length(); i++) {
            char c = url.charAt(i);
            if (isLoneSurrogate(url, i)) {
                appendEscapes(out, String.valueOf(REPLACEMENT));
            } else if (isUnsafeInUrl(url, i)) {
                appendEscapes(out, String.valueOf(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isUnsafeInUrl(String s, int i) {
        char c = s.charAt(i);
        return c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^'
                || c == '`' || c == '{' || c == '|' || c == '}' || isLoneSurrogate(s, i);
    }

    private static void appendEscapes(StringBuilder out, String s) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
        }
    }

    private static boolean isPlain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || Character.isSurrogate(c)) return false;
        }
        return true;
    }

    private static boolean isLoneSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        if (Character.isLowSurrogate(c)) return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        return false;
    }
}
