package io.rendler.common.mesos;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Mesos' RecordIO framing of event streams: the record length in decimal ASCII, a {@code \n},
 * then exactly that many bytes. There is nothing else on the wire; EOF between records means the
 * stream ended, and EOF inside one means it broke.
 */
public final class RecordIO {

    /** Longest length prefix accepted; guards against reading garbage as a huge length. */
    private static final int MAX_PREFIX_DIGITS = 19;
    /** Largest record accepted, far above anything Mesos sends. */
    public static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;

    private RecordIO() {}

    /** One record framed for the wire. */
    public static byte[] frame(byte[] record) {
        byte[] prefix = (record.length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + record.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(record, 0, out, prefix.length, record.length);
        return out;
    }

    /** Reads records one at a time from a blocking stream. Not thread-safe. */
    public static final class Reader {
        private final InputStream in;

        public Reader(InputStream in) {
            this.in = in;
        }

        /** The next record, or empty at a clean end of stream. */
        public Optional<byte[]> next() throws IOException {
            long length = 0;
            int digits = 0;
            while (true) {
                int b = in.read();
                if (b == -1) {
                    if (digits == 0) return Optional.empty();
                    throw new EOFException("stream ended inside a RecordIO length prefix");
                }
                if (b == '\n') {
                    if (digits == 0) throw new IOException("empty RecordIO length prefix");
                    break;
                }
                if (b < '0' || b > '9' || ++digits > MAX_PREFIX_DIGITS) {
                    throw new IOException("invalid RecordIO length prefix byte 0x" + Integer.toHexString(b));
                }
                length = length * 10 + (b - '0');
            }
            if (length > MAX_RECORD_BYTES) throw new IOException("RecordIO record of " + length + " bytes is too large");
            byte[] record = in.readNBytes((int) length);
            if (record.length != length) {
                throw new EOFException("stream ended inside a RecordIO record (" + record.length + " of " + length + " bytes)");
            }
            return Optional.of(record);
        }
    }

    /**
     * Push-style decoder for bytes that arrive in arbitrary pieces, used where the caller owns the
     * socket. Feed it any split of the stream; it returns whole records as they complete.
     */
    public static final class Decoder {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private long expected = -1;
        private final ByteArrayOutputStream prefix = new ByteArrayOutputStream();

        public java.util.List<byte[]> feed(byte[] bytes, int offset, int count) throws IOException {
            java.util.List<byte[]> records = new java.util.ArrayList<>();
            for (int i = offset; i < offset + count; i++) {
                byte b = bytes[i];
                if (expected < 0) {
                    if (b == '\n') {
                        if (prefix.size() == 0) throw new IOException("empty RecordIO length prefix");
                        expected = Long.parseLong(prefix.toString(StandardCharsets.US_ASCII));
                        if (expected > MAX_RECORD_BYTES) throw new IOException("RecordIO record of " + expected + " bytes is too large");
                        prefix.reset();
                        if (expected == 0) {
                            records.add(new byte[0]);
                            expected = -1;
                        }
                    } else if (b >= '0' && b <= '9' && prefix.size() < MAX_PREFIX_DIGITS) {
                        prefix.write(b);
                    } else {
                        throw new IOException("invalid RecordIO length prefix byte 0x" + Integer.toHexString(b & 0xff));
                    }
                } else {
                    int take = (int) Math.min(expected - pending.size(), offset + count - i);
                    pending.write(bytes, i, take);
                    i += take - 1;
                    if (pending.size() == expected) {
                        records.add(pending.toByteArray());
                        pending.reset();
                        expected = -1;
                    }
                }
            }
            return records;
        }

        /** True when the bytes fed so far end exactly on a record boundary. */
        public boolean atBoundary() {
            return expected < 0 && prefix.size() == 0;
        }
    }
}
