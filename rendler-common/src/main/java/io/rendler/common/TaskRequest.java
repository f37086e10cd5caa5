package io.rendler.common;

import java.util.Objects;

/**
 * What the scheduler asks one executor task to do. It travels as JSON in {@code TaskInfo.data}
 * under Mesos, and as the same encoded bytes in local mode.
 *
 * @param taskId         unique per attempt, e.g. {@code crawl-17-a1}
 * @param kind           crawl or render
 * @param url            the normalised absolute URL to fetch or render
 * @param limits         per-page bounds
 * @param screenshotName render only: the file name to write under {@code screenshots/}
 * @param uploadUrl      render only, Mesos only: where to PUT the PNG so it reaches the
 *                       scheduler's output directory; null in local mode
 * @param boundary       the crawl's scope and request-forgery guard, which redirects, navigations
 *                       and every connection the task makes must respect
 */
public record TaskRequest(
        String taskId,
        TaskKind kind,
        String url,
        PageLimits limits,
        String screenshotName,
        String uploadUrl,
        Boundary boundary) {

    public TaskRequest {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(boundary, "boundary");
        if (kind == TaskKind.RENDER) Objects.requireNonNull(screenshotName, "screenshotName");
    }

    public static TaskRequest crawl(String taskId, String url, PageLimits limits, Boundary boundary) {
        return new TaskRequest(taskId, TaskKind.CRAWL, url, limits, null, null, boundary);
    }

    public static TaskRequest render(String taskId, String url, PageLimits limits, String screenshotName, String uploadUrl,
            Boundary boundary) {
        return new TaskRequest(taskId, TaskKind.RENDER, url, limits, screenshotName, uploadUrl, boundary);
    }

    /** The same task with another upload URL: Mesos mode adds one per render. */
    public TaskRequest withUploadUrl(String newUploadUrl) {
        return new TaskRequest(taskId, kind, url, limits, screenshotName, newUploadUrl, boundary);
    }
}
