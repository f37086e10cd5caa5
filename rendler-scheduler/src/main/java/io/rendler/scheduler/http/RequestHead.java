package io.rendler.scheduler.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The request line and headers of one HTTP/1.1 request, read with hard limits so that a client
 * cannot make a {@link SmallHttpServer} buffer without end.
 *
 * @param method  as sent, e.g. {@code GET}
 * @param path    the request target without its query string
 * @param headers lower-cased names; a repeated header's values joined with commas
 */
public record RequestHead(String method, String path, Map<String, String> headers) {

    private static final int MAX_LINE = 8 * 1024;
    private static final int MAX_HEADERS = 64;

    /** The request is not HTTP we accept; the message is the one-line reason for a 400. */
    public static final class Malformed extends Exception {
        public Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads up to the blank line that ends the head; EOFException when the client hangs up first. */
    public static RequestHead read(InputStream in) throws IOException, Malformed {
        String[] requestLine = line(in).split(" ", -1);
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.") || !requestLine[1].startsWith("/")) {
            throw new Malformed("not an HTTP/1.x request line with a path");
        }
        Map<String, String> headers = new HashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            if (headers.size() == MAX_HEADERS) throw new Malformed("more than " + MAX_HEADERS + " headers");
            int colon = line.indexOf(':');
            if (colon <= 0) throw new Malformed("a header line without a name");
            headers.merge(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip(),
                    (first, next) -> first + "," + next);
        }
        String target = requestLine[1];
        int query = target.indexOf('?');
        return new RequestHead(requestLine[0], query < 0 ? target : target.substring(0, query), Map.copyOf(headers));
    }

    /** The declared body length, or -1 when there is none (or it comes chunked, which we do not take). */
    public long contentLength() throws Malformed {
        String value = headers.get("content-length");
        if (value == null || headers.containsKey("transfer-encoding")) return -1;
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new Malformed("Content-Length is not a number: " + value);
        }
        return Long.parseLong(value);
    }

    /** The client waits for {@code 100 Continue} before it sends the body. */
    public boolean expectsContinue() {
        return "100-continue".equalsIgnoreCase(headers.get("expect"));
    }

    private static String line(InputStream in) throws IOException, Malformed {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b == -1) throw new EOFException("the client closed the connection mid-request");
            if (line.length() == MAX_LINE) throw new Malformed("a line of the request head is over " + MAX_LINE + " bytes");
            line.append((char) b);
        }
        if (line.length() > 0 && line.charAt(line.length() - 1) == '\r') line.setLength(line.length() - 1);
        return line.toString();
    }
}
