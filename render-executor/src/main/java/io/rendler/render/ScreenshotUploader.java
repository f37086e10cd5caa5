package io.rendler.render;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Sends a finished PNG to the scheduler with an HTTP PUT. Under Mesos the executor's sandbox is on
 * another machine, and framework messages are too small for images, so this is how screenshots
 * reach the scheduler's output directory.
 */
final class ScreenshotUploader {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    /**
     * PUTs {@code png} to {@code uploadUrl}; throws with a one-line reason unless the answer is 2xx
     * or 409. The scheduler stores each screenshot once and answers a second upload with 409: this
     * is a retried task whose earlier attempt delivered the screenshot before it was lost.
     */
    void upload(String uploadUrl, byte[] png, Duration timeout) throws IOException, InterruptedException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(uploadUrl))
                    .timeout(timeout)
                    .header("Content-Type", "image/png")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(png))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new IOException("bad upload URL " + uploadUrl + ": " + e.getMessage());
        }
        HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
        int status = response.statusCode();
        if (status == 409) return;
        if (status < 200 || status > 299) throw new IOException("HTTP " + status + " from " + uploadUrl);
    }
}
