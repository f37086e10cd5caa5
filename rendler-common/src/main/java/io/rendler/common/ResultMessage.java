package io.rendler.common;

/**
 * The one framework message an executor sends back per task. Exactly one of {@code crawl} and
 * {@code render} is set, matching {@code kind}. The same bytes also ride in the terminal status
 * update's {@code data}, because Mesos framework messages are best effort and may be dropped.
 */
public record ResultMessage(TaskKind kind, CrawlResult crawl, RenderResult render) {

    public ResultMessage {
        if (kind == null) throw new IllegalArgumentException("message has no kind");
        if ((kind == TaskKind.CRAWL) != (crawl != null) || (kind == TaskKind.RENDER) != (render != null)) {
            throw new IllegalArgumentException("message of kind " + kind + " must carry exactly that result");
        }
    }

    public static ResultMessage of(CrawlResult crawl) {
        return new ResultMessage(TaskKind.CRAWL, crawl, null);
    }

    public static ResultMessage of(RenderResult render) {
        return new ResultMessage(TaskKind.RENDER, null, render);
    }

    public String taskId() {
        return kind == TaskKind.CRAWL ? crawl.taskId() : render.taskId();
    }
}
