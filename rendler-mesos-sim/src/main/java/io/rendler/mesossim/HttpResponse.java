package io.rendler.mesossim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A whole (non-streaming) response, written the way libprocess writes it. README surprise 6: Date
 * first, then the response's own headers (Allow, Location), then Content-Type, then Content-Length;
 * a 202 has only Date and {@code Content-Length: 0}; error bodies are
 * {@code text/plain; charset=utf-8} with no trailing newline.
 */
record HttpResponse(int status, List<HttpRequest.Header> headers, String contentType, byte[] body) {

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(200, "OK"),
            Map.entry(202, "Accepted"),
            Map.entry(307, "Temporary Redirect"),
            Map.entry(400, "Bad Request"),
            Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"),
            Map.entry(406, "Not Acceptable"),
            Map.entry(415, "Unsupported Media Type"),
            Map.entry(500, "Internal Server Error"),
            Map.entry(501, "Not Implemented"),
            Map.entry(503, "Service Unavailable"));

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    static final String TEXT_PLAIN = "text/plain; charset=utf-8";

    static HttpResponse accepted() {
        return new HttpResponse(202, List.of(), null, new byte[0]);
    }

    static HttpResponse text(int status, String text) {
        return new HttpResponse(status, List.of(), TEXT_PLAIN, text.getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse json(byte[] body) {
        return new HttpResponse(200, List.of(), WireEncoding.JSON.mediaType, body);
    }

    /** {@code errors/04-err-GET}: the same body on the master and the agent. */
    static HttpResponse methodNotAllowed(String method) {
        return new HttpResponse(405, List.of(new HttpRequest.Header("Allow", "POST")), TEXT_PLAIN,
                ("405 Method Not Allowed. Expecting one of { 'POST' }, but received '" + method + "'.")
                        .getBytes(StandardCharsets.UTF_8));
    }

    /** A non-leading master's answer: a protocol-relative Location (DESIGN.md section 2). */
    static HttpResponse temporaryRedirect(String location) {
        return new HttpResponse(307, List.of(new HttpRequest.Header("Location", location)), null, new byte[0]);
    }

    static HttpResponse notFound() {
        return new HttpResponse(404, List.of(), null, new byte[0]);
    }

    static String reason(int status) {
        return REASONS.getOrDefault(status, "Unknown");
    }

    static String httpDate() {
        return HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC));
    }

    void writeTo(OutputStream out) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("HTTP/1.1 " + status + " " + reason(status));
        lines.add("Date: " + httpDate());
        for (HttpRequest.Header header : headers) lines.add(header.name() + ": " + header.value());
        if (contentType != null) lines.add("Content-Type: " + contentType);
        lines.add("Content-Length: " + body.length);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + body.length);
        bytes.write((String.join("\r\n", lines) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        bytes.write(body);
        out.write(bytes.toByteArray());
        out.flush();
    }
}
