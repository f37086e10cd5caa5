package io.rendler.common;

/**
 * Per-page bounds the scheduler hands to every task, so executors need no configuration of their own.
 *
 * @param timeoutMillis  wall-clock budget for one fetch or one render, including a slow body
 * @param maxBodyBytes   the crawl executor stops reading a body past this size and records a truncation
 * @param maxRedirects   redirects followed before the fetch fails as a redirect loop
 * @param viewportWidth  screenshot width in CSS pixels
 * @param viewportHeight screenshot height in CSS pixels
 * @param userAgent      the User-Agent header sent by both executors
 * @param maxScreenshotHeight the tallest screenshot: above {@code viewportHeight}, a render captures
 *                       the whole page (--full-page) up to this height; equal to it, the viewport only
 */
public record PageLimits(
        long timeoutMillis,
        long maxBodyBytes,
        int maxRedirects,
        int viewportWidth,
        int viewportHeight,
        String userAgent,
        int maxScreenshotHeight) {

    /** Chromium cannot draw a surface taller than this many pixels in one piece. */
    public static final int MAX_SCREENSHOT_HEIGHT = 16_384;

    /** Screenshots of the viewport only. */
    public PageLimits(long timeoutMillis, long maxBodyBytes, int maxRedirects, int viewportWidth, int viewportHeight, String userAgent) {
        this(timeoutMillis, maxBodyBytes, maxRedirects, viewportWidth, viewportHeight, userAgent, viewportHeight);
    }

    /** Where a site owner reads about the crawler in their logs. A placeholder until the project has a public home. */
    public static final String PROJECT_URL = "https://github.com/rendler/rendler";
    public static final String DEFAULT_USER_AGENT = "Rendler/1.0 (+" + PROJECT_URL + ")";

    public static PageLimits defaults() {
        return new PageLimits(15_000, 10L * 1024 * 1024, 10, 1280, 800, DEFAULT_USER_AGENT);
    }

    /** Whether renders capture the whole page rather than the viewport. */
    public boolean fullPage() {
        return maxScreenshotHeight > viewportHeight;
    }

    public PageLimits {
        if (timeoutMillis <= 0) throw new IllegalArgumentException("timeout must be positive");
        if (maxBodyBytes <= 0) throw new IllegalArgumentException("max body size must be positive");
        if (maxRedirects < 0) throw new IllegalArgumentException("max redirects must not be negative");
        if (viewportWidth <= 0 || viewportHeight <= 0) throw new IllegalArgumentException("viewport must be positive");
        if (maxScreenshotHeight == 0) maxScreenshotHeight = viewportHeight; // a task from before the field existed
        if (maxScreenshotHeight < viewportHeight || maxScreenshotHeight > MAX_SCREENSHOT_HEIGHT) {
            throw new IllegalArgumentException("the screenshot height cap must be between the viewport's height and "
                    + MAX_SCREENSHOT_HEIGHT + ", not " + maxScreenshotHeight);
        }
    }
}
