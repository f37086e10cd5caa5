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
 */
public record RenderResult(
        String taskId,
        String url,
        String screenshot,
        int width,
        int height,
        long bytes,
        String error,
        long elapsedMillis) {

    public boolean failed() {
        return error != null || screenshot == null;
    }

    public static RenderResult failure(String taskId, String url, String error, long elapsedMillis) {
        return new RenderResult(taskId, url, null, 0, 0, 0, error, elapsedMillis);
    }
}
