package io.rendler.scheduler.output;

import io.rendler.scheduler.graph.PageRecord;
import io.rendler.scheduler.graph.PageStatus;

/** Short, human-facing descriptions of a page, shared by the graph and the report. */
final class PageText {

    /** Directory under the output directory where the render executor puts the PNGs. */
    static final String SCREENSHOT_DIR = "screenshots";

    private PageText() {}

    /**
     * The part of {@code url} after the host (path and query), or {@code /} when there is none;
     * cut to {@code max} characters by keeping the end, which is usually the telling part.
     */
    static String shortPath(String url, int max) {
        int scheme = url.indexOf("://");
        int pathStart = scheme < 0 ? 0 : url.indexOf('/', scheme + 3);
        String path = pathStart < 0 ? "/" : url.substring(pathStart);
        if (path.length() <= max) return path;
        int start = path.length() - (max - 1);
        if (Character.isLowSurrogate(path.charAt(start))) start++;
        return "\u2026" + path.substring(start);
    }

    /** What went wrong or what the page is, in a few words; empty for a rendered page. */
    static String statusNote(PageRecord page) {
        PageStatus status = page.status();
        return switch (status) {
            case RENDERED, CRAWLED -> "";
            case RENDER_FAILED -> "render failed";
            case NOT_HTML -> page.contentType() == null ? "not HTML" : page.contentType();
            case REDIRECTED -> page.finalUrl() == null ? "redirected" : "\u2192 " + shortPath(page.finalUrl(), 32);
            case CRAWL_FAILED -> page.httpStatus() > 0 ? "HTTP " + page.httpStatus() : "crawl failed";
            case UNFINISHED -> "unfinished";
            case SKIPPED_ROBOTS -> "skipped (robots.txt)";
        };
    }

    /**
     * The page's screenshot file name if it is one we can safely put in a relative path (the
     * render executor only makes names like {@code host_path-1a2b3c.png}); otherwise null.
     */
    static String safeScreenshot(PageRecord page) {
        String name = page.screenshot();
        if (name == null || name.isEmpty() || name.charAt(0) == '.' || name.length() > 255) return null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_';
            if (!ok) return null;
        }
        return name;
    }
}
