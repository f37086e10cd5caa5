package io.rendler.scheduler.core;

import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code --include} and {@code --exclude}: globs matched against a whole normalised URL. In a glob
 * {@code **} matches anything, {@code *} anything but a {@code /}, {@code ?} one character but a
 * {@code /}; everything else matches itself. A link is followed when it matches no exclude and,
 * if there are includes, at least one include.
 */
public final class UrlPatterns {

    private final List<Pattern> includes;
    private final List<Pattern> excludes;

    private UrlPatterns(List<Pattern> includes, List<Pattern> excludes) {
        this.includes = includes;
        this.excludes = excludes;
    }

    public static UrlPatterns of(List<String> includeGlobs, List<String> excludeGlobs) {
        return new UrlPatterns(includeGlobs.stream().map(UrlPatterns::compile).toList(),
                excludeGlobs.stream().map(UrlPatterns::compile).toList());
    }

    public static UrlPatterns all() {
        return new UrlPatterns(List.of(), List.of());
    }

    public boolean allows(String normalizedUrl) {
        for (Pattern exclude : excludes) {
            if (exclude.matcher(normalizedUrl).matches()) return false;
        }
        if (includes.isEmpty()) return true;
        for (Pattern include : includes) {
            if (include.matcher(normalizedUrl).matches()) return true;
        }
        return false;
    }

    static Pattern compile(String glob) {
        if (glob.isBlank()) throw new IllegalArgumentException("an empty URL pattern");
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c != '*' && c != '?') {
                literal.append(c);
                continue;
            }
            if (!literal.isEmpty()) {
                regex.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
            }
            if (c == '?') {
                regex.append("[^/]");
            } else if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else {
                regex.append("[^/]*");
            }
        }
        if (!literal.isEmpty()) regex.append(Pattern.quote(literal.toString()));
        return Pattern.compile(regex.toString());
    }
}
