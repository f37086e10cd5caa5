package io.rendler.scheduler.core;

/**
 * Something a person watching the run may want to see: one page's crawl or render finished,
 * a task is being retried, or robots.txt ruled a page out. The core queues these; the progress reporter drains them.
 */
public record PageEvent(Type type, String url, String detail) {
    public enum Type { CRAWLED, CRAWL_FAILED, RENDERED, RENDER_FAILED, RETRY, SKIPPED }

    @Override
    public String toString() {
        String label = switch (type) {
            case CRAWLED -> "crawled ";
            case CRAWL_FAILED -> "FAILED  ";
            case RENDERED -> "rendered";
            case RENDER_FAILED -> "NO SHOT ";
            case RETRY -> "retry   ";
            case SKIPPED -> "skipped ";
        };
        return label + " " + url + (detail == null || detail.isEmpty() ? "" : "  (" + detail + ")");
    }
}
