package io.rendler.crawl;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Collections;
import java.util.List;

/**
 * The bytes read of one response body, kept as the chunks they arrived in so that a large page
 * is never copied into one more array.
 *
 * @param truncated the body went on past the size limit, and the rest was not read
 */
record Body(List<byte[]> chunks, long size, boolean truncated) {

    static final Body NONE = new Body(List.of(), 0, false);

    Body {
        chunks = List.copyOf(chunks);
    }

    /** The chunks as one array; only for bodies capped well below 2 GB. */
    byte[] bytes() {
        byte[] all = new byte[Math.toIntExact(size)];
        int at = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, all, at, chunk.length);
            at += chunk.length;
        }
        return all;
    }

    InputStream stream() {
        return new SequenceInputStream(Collections.enumeration(
                chunks.stream().map(ByteArrayInputStream::new).toList()));
    }
}
