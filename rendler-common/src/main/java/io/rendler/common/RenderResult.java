package io.rendler.common;

/**
 * What a render task produced for one page.
 *
 * @param taskId        the task that produced this result
 * @param url           the URL that was rendered
 * @param screenshot    the PNG's file name under {@code screenshots/}, or null when rendering failed
 * @param width         the PNG's width in pixels
 * @param height        the PNG's height in pixels
 * @param bytes         the PNG's size
 * @param error         a one-line reason when rendering failed, else null
 * @param elapsedMillis time spent on navigation and screenshot
 * @param finalUrl      the URL the page showed when its screenshot was taken (after any redirects
 *                      and in-scope navigations), or null when unknown
 */
public record RenderResult(
        String taskId,
        String url,
        String screenshot,
        int width,
        int height,
        long bytes,
        String error,
        long elapsedMillis,
        String finalUrl) {

    /** A result that does not say where the page ended up. */
    public RenderResult(String taskId, String url, String screenshot, int width, int height, long bytes, String error, long elapsedMillis) {
        this(taskId, url, screenshot, width, height, bytes, error, elapsedMillis, null);
    }

    public boolean failed() {
        return error != null || screenshot == null;
    }

    public static RenderResult failure(String taskId, String url, String error, long elapsedMillis) {
        return new RenderResult(taskId, url, null, 0, 0, 0, error, elapsedMillis);
    }
}
