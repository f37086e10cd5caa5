package io.rendler.mesossim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** One HTTP/1.1 request as read off a raw socket, headers in arrival order. */
record HttpRequest(String method, String target, List<Header> headers, byte[] body) {

    record Header(String name, String value) {}

    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_BODY = 64 * 1024 * 1024;

    /** The request path without the query string. */
    String path() {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    /** First header with this name, compared case-insensitively as HTTP requires. */
    Optional<String> header(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst();
    }

    boolean wantsClose() {
        return header("Connection").map(v -> v.toLowerCase(Locale.ROOT).contains("close")).orElse(false);
    }

    /** Reads the next request, or returns null when the peer closed the connection between requests. */
    static HttpRequest read(InputStream in) throws IOException {
        String requestLine = readLine(in);
        while (requestLine != null && requestLine.isEmpty()) requestLine = readLine(in); // stray CRLFs
        if (requestLine == null) return null;
        String[] parts = requestLine.split(" ", 3);
        if (parts.length < 2) throw new IOException("malformed request line: " + requestLine);
        List<Header> headers = new ArrayList<>();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon <= 0) throw new IOException("malformed header: " + line);
            headers.add(new Header(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
        }
        HttpRequest head = new HttpRequest(parts[0], parts[1], List.copyOf(headers), new byte[0]);
        byte[] body;
        if (head.header("Transfer-Encoding").map(v -> v.toLowerCase(Locale.ROOT).contains("chunked")).orElse(false)) {
            body = readChunkedBody(in);
        } else {
            int length;
            try {
                length = head.header("Content-Length").map(v -> Integer.parseInt(v.trim())).orElse(0);
            } catch (NumberFormatException e) {
                throw new IOException("bad Content-Length", e);
            }
            if (length < 0 || length > MAX_BODY) throw new IOException("bad Content-Length " + length);
            body = in.readNBytes(length);
            if (body.length != length) throw new IOException("connection closed inside a request body");
        }
        return new HttpRequest(head.method(), head.target(), head.headers(), body);
    }

    private static byte[] readChunkedBody(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            if (sizeLine == null) throw new IOException("connection closed inside a chunked body");
            int semicolon = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size line: " + sizeLine, e);
            }
            if (size == 0) {
                for (String trailer = readLine(in); trailer != null && !trailer.isEmpty(); trailer = readLine(in)) {
                    // trailers are ignored
                }
                return body.toByteArray();
            }
            if (body.size() + size > MAX_BODY) throw new IOException("request body too large");
            body.write(in.readNBytes(size));
            readLine(in);
        }
    }

    /** A line without its CRLF (a bare LF is accepted), or null at EOF before any byte. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b == -1) {
                if (line.size() == 0) return null;
                throw new IOException("connection closed inside a line");
            }
            if (b == '\n') break;
            if (line.size() >= MAX_LINE) throw new IOException("line too long");
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }
}
