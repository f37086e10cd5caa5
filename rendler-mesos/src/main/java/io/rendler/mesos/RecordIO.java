package io.rendler.mesos;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Mesos' RecordIO framing of event streams: the record length in decimal ASCII, a {@code \n},
 * then exactly that many bytes. There is nothing else on the wire; EOF between records means the
 * stream ended, and EOF inside one means it broke.
 */
public final class RecordIO {

    /** Largest record accepted, far above anything Mesos sends; also stops a garbage prefix early. */
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

    /** The length so far with one more decimal digit, refusing lengths past {@link #MAX_RECORD_BYTES}. */
    private static long appendDigit(long length, int digit) throws IOException {
        long next = length * 10 + (digit - '0');
        if (next > MAX_RECORD_BYTES) throw new IOException("RecordIO record is too large (over " + MAX_RECORD_BYTES + " bytes)");
        return next;
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
                if (b < '0' || b > '9') {
                    throw new IOException("invalid RecordIO length prefix byte 0x" + Integer.toHexString(b));
                }
                digits++;
                length = appendDigit(length, b);
            }
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
     * Not thread-safe.
     */
    public static final class Decoder {
        /** Length of the record being read, or -1 while reading a length prefix. */
        private long expected = -1;
        private long prefixValue;
        private int prefixDigits;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        public List<byte[]> feed(byte[] bytes) throws IOException {
            return feed(bytes, 0, bytes.length);
        }

        public List<byte[]> feed(byte[] bytes, int offset, int count) throws IOException {
            List<byte[]> records = new ArrayList<>();
            int i = offset;
            int end = offset + count;
            while (i < end) {
                if (expected < 0) {
                    int b = bytes[i++] & 0xff;
                    if (b == '\n') {
                        if (prefixDigits == 0) throw new IOException("empty RecordIO length prefix");
                        expected = prefixValue;
                        prefixValue = 0;
                        prefixDigits = 0;
                    } else if (b >= '0' && b <= '9') {
                        prefixValue = appendDigit(prefixValue, b);
                        prefixDigits++;
                    } else {
                        throw new IOException("invalid RecordIO length prefix byte 0x" + Integer.toHexString(b));
                    }
                } else {
                    int take = (int) Math.min(expected - pending.size(), end - i);
                    pending.write(bytes, i, take);
                    i += take;
                }
                if (expected >= 0 && pending.size() == expected) {
                    records.add(pending.toByteArray());
                    pending.reset();
                    expected = -1;
                }
            }
            return records;
        }

        /** True when the bytes fed so far end exactly on a record boundary. */
        public boolean atBoundary() {
            return expected < 0 && prefixDigits == 0;
        }
    }
}
