package io.rendler.crawl;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * Undoes a {@code Content-Encoding}. We never ask for one, but some servers compress anyway, and
 * parsing the compressed bytes as HTML finds no links. The decoded body is held to the same size
 * limit as a plain one, so a small gzip bomb costs no more than a large page.
 */
final class ContentDecoding {

    private static final int CHUNK_BYTES = 64 * 1024;

    private ContentDecoding() {}

    /**
     * {@code raw} decoded as {@code encoding} (a header value, or null for none), at most
     * {@code maxBytes} of it; truncated when there was more, or when the raw body was cut short.
     *
     * @throws IOException with a one-line reason for an encoding we cannot read or a corrupt body
     */
    static Body decode(String encoding, Body raw, long maxBytes) throws IOException {
        String name = encoding == null ? "" : encoding.strip().toLowerCase(Locale.ROOT);
        try {
            return switch (name) {
                case "", "identity" -> raw;
                case "gzip", "x-gzip" -> inflate(new GZIPInputStream(raw.stream()), raw.truncated(), maxBytes);
                case "deflate" -> inflate(new InflaterInputStream(raw.stream()), raw.truncated(), maxBytes);
                default -> throw new IOException("unsupported Content-Encoding: " + FetchFailures.oneLine(encoding));
            };
        } catch (ZipException e) {
            throw new IOException("corrupt " + name + " body: " + FetchFailures.oneLine(String.valueOf(e.getMessage())));
        } catch (EOFException e) {
            throw new IOException("empty or cut-off " + name + " body");
        }
    }

    private static Body inflate(InputStream decoded, boolean rawTruncated, long maxBytes) throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        long size = 0;
        try (decoded) {
            while (size < maxBytes) {
                byte[] chunk = decoded.readNBytes((int) Math.min(CHUNK_BYTES, maxBytes - size));
                if (chunk.length == 0) return new Body(chunks, size, rawTruncated);
                chunks.add(chunk);
                size += chunk.length;
            }
            return new Body(chunks, size, decoded.read() != -1 || rawTruncated);
        } catch (EOFException cutShort) {
            // The raw body stopped mid-stream (cut at the limit or by the server): keep what decoded.
            return new Body(chunks, size, true);
        }
    }
}
