package io.rendler.mesos;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** The HTTP details both Mesos v1 APIs share. */
final class MesosHttp {

    static final String STREAM_ID_HEADER = "Mesos-Stream-Id";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private MesosHttp() {}

    /**
     * HTTP/1.1 only: the JDK client would otherwise try an h2c upgrade, which Mesos does not
     * speak. Redirects are ours to follow, because we must learn the leading master's address.
     */
    static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    /** A POST of one encoded call; {@code Accept} asks for the same encoding back. */
    static HttpRequest.Builder post(URI endpoint, MesosEncoding encoding, byte[] body, Optional<String> authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", encoding.mediaType())
                .header("Accept", encoding.mediaType());
        authorization.ifPresent(value -> request.header("Authorization", value));
        return request;
    }

    /** Sends a non-streaming call and insists on 202 Accepted. */
    static void sendExpectingAccepted(HttpClient http, HttpRequest request, String callName) throws IOException {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending " + callName);
        }
        if (response.statusCode() != 202) {
            throw new MesosHttpException(callName, request.uri(), response.statusCode(), text(response.body()));
        }
    }

    static String text(byte[] body) {
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }

    /** A one-line description of a transport failure, for logs and listener reasons. */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        String name = failure.getClass().getSimpleName();
        return message == null || message.isBlank() ? name : name + ": " + message;
    }
}
