package io.rendler.mesos;

import java.io.IOException;
import java.net.URI;

/**
 * Mesos answered a call with a status other than the one it means success by (202, or 200 for
 * SUBSCRIBE). Mesos error bodies are short {@code text/plain} reasons, e.g.
 * {@code 400 Framework cannot be found} or {@code 415 Expecting 'Content-Type' of
 * application/json or application/x-protobuf}; the message carries both.
 */
public final class MesosHttpException extends IOException {

    private final int status;
    private final String body;

    public MesosHttpException(String call, URI endpoint, int status, String body) {
        super(call + " to " + endpoint + " was answered " + status + (body.isBlank() ? "" : ": " + body.strip()));
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    /** The response body as text, as Mesos sent it. */
    public String body() {
        return body;
    }

    /** 4xx: retrying the same request cannot help. */
    public boolean isClientError() {
        return status >= 400 && status < 500;
    }
}
