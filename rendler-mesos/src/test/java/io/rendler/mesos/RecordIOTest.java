package io.rendler.mesos;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RecordIO against the recorded streams, cut at every chunk size from one byte to the whole
 * stream: the records must come out the same however the bytes arrive.
 */
class RecordIOTest {

    static Stream<WireFixtures.Exchange> recordedStreams() {
        return WireFixtures.exchanges().stream().filter(WireFixtures.Exchange::isStream);
    }

    static Stream<Path> recordedPrefixes() {
        return WireFixtures.recordioPrefixes().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedStreams")
    void readerFindsEveryRecordedEvent(WireFixtures.Exchange stream) throws IOException {
        List<byte[]> records = readAll(new ByteArrayInputStream(stream.responseBody()));
        assertEquals(stream.recordedEventTypes().size(), records.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedStreams")
    void everyChunkSizeYieldsTheSameRecords(WireFixtures.Exchange stream) throws IOException {
        assertSameRecordsAtEveryChunkSize(stream.responseBody());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedPrefixes")
    void everyChunkSizeYieldsTheSameRecordsForPrefixFiles(Path prefix) throws IOException {
        assertSameRecordsAtEveryChunkSize(WireFixtures.bytes(prefix));
    }

    private static void assertSameRecordsAtEveryChunkSize(byte[] stream) throws IOException {
        List<byte[]> expected = readAll(new ByteArrayInputStream(stream));
        assertTrue(expected.size() >= 2, "a recorded stream has several records");
        for (int chunk = 1; chunk <= stream.length; chunk++) {
            RecordIO.Decoder decoder = new RecordIO.Decoder();
            List<byte[]> pushed = new ArrayList<>();
            for (int offset = 0; offset < stream.length; offset += chunk) {
                pushed.addAll(decoder.feed(stream, offset, Math.min(chunk, stream.length - offset)));
            }
            assertTrue(decoder.atBoundary(), "decoder ends on a boundary at chunk size " + chunk);
            assertRecordsEqual(expected, pushed, "decoder, chunk size " + chunk);
            assertRecordsEqual(expected, readAll(new TricklingInputStream(stream, chunk)), "reader, chunk size " + chunk);
        }
    }

    @Test
    void frameThenReadRoundTrips() throws IOException {
        byte[] one = "{\"type\":\"HEARTBEAT\"}".getBytes(US_ASCII);
        byte[] two = new byte[1000];
        Arrays.fill(two, (byte) '\n'); // record bytes are opaque, newlines included
        byte[] wire = concat(RecordIO.frame(one), RecordIO.frame(two), RecordIO.frame(new byte[0]));
        assertEquals("20\n{\"type\":\"HEARTBEAT\"}", new String(RecordIO.frame(one), US_ASCII));
        List<byte[]> read = readAll(new ByteArrayInputStream(wire));
        assertRecordsEqual(List.of(one, two, new byte[0]), read, "reader");
        assertRecordsEqual(List.of(one, two, new byte[0]), new RecordIO.Decoder().feed(wire), "decoder");
    }

    @Test
    void emptyStreamIsACleanEnd() throws IOException {
        assertEquals(Optional.empty(), new RecordIO.Reader(new ByteArrayInputStream(new byte[0])).next());
    }

    @ParameterizedTest
    @ValueSource(strings = {"x\n", "12a\n", "-5\nhello", " 5\nhello", "5\r\nhello", "\nhello", "0x10\n"})
    void malformedLengthPrefixIsAnError(String wire) {
        byte[] bytes = wire.getBytes(US_ASCII);
        assertThrows(IOException.class, () -> readAll(new ByteArrayInputStream(bytes)));
        assertThrows(IOException.class, () -> new RecordIO.Decoder().feed(bytes));
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999999\n", "67108865\n", "9223372036854775807\n"})
    void hugeLengthIsRefusedBeforeReading(String wire) {
        byte[] bytes = wire.getBytes(US_ASCII);
        IOException read = assertThrows(IOException.class, () -> readAll(new ByteArrayInputStream(bytes)));
        assertTrue(read.getMessage().contains("too large"), read.getMessage());
        IOException fed = assertThrows(IOException.class, () -> new RecordIO.Decoder().feed(bytes));
        assertTrue(fed.getMessage().contains("too large"), fed.getMessage());
    }

    @Test
    void streamEndingInsideARecordIsAnError() {
        byte[] bytes = "10\nhello".getBytes(US_ASCII);
        assertThrows(EOFException.class, () -> readAll(new ByteArrayInputStream(bytes)));
        RecordIO.Decoder decoder = new RecordIO.Decoder();
        assertDoesNotThrowIo(() -> assertEquals(List.of(), decoder.feed(bytes)));
        assertTrue(!decoder.atBoundary(), "a half record is not a boundary");
    }

    @Test
    void streamEndingInsideALengthPrefixIsAnError() {
        byte[] bytes = "5\nhello12".getBytes(US_ASCII);
        assertThrows(EOFException.class, () -> readAll(new ByteArrayInputStream(bytes)));
    }

    @Test
    void lengthAtTheSizeLimitIsAccepted() throws IOException {
        RecordIO.Decoder decoder = new RecordIO.Decoder();
        assertEquals(List.of(), decoder.feed((RecordIO.MAX_RECORD_BYTES + "\n").getBytes(US_ASCII)));
        assertTrue(!decoder.atBoundary(), "now inside a record of the maximum size");
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void assertDoesNotThrowIo(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<byte[]> readAll(InputStream in) throws IOException {
        RecordIO.Reader reader = new RecordIO.Reader(in);
        List<byte[]> records = new ArrayList<>();
        for (Optional<byte[]> record = reader.next(); record.isPresent(); record = reader.next()) {
            records.add(record.get());
        }
        return records;
    }

    private static void assertRecordsEqual(List<byte[]> expected, List<byte[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": record count");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), what + ": record " + i);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) length += part.length;
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    /** Hands out at most {@code chunk} bytes per read, like a socket delivering small packets. */
    private static final class TricklingInputStream extends InputStream {
        private final byte[] bytes;
        private final int chunk;
        private int position;

        TricklingInputStream(byte[] bytes, int chunk) {
            this.bytes = bytes;
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            if (length == 0) return 0;
            if (position >= bytes.length) return -1;
            int count = Math.min(Math.min(length, chunk), bytes.length - position);
            System.arraycopy(bytes, position, into, offset, count);
            position += count;
            return count;
        }
    }
}
