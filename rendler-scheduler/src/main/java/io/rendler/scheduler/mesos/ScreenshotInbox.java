package io.rendler.scheduler.mesos;

import io.rendler.render.PngInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Where uploaded screenshots land, and the rules for letting one in: only a name the scheduler
 * asked for, only a PNG of the size it asked for, stored once, within a byte budget for the run.
 * A body that breaks off or fails a check leaves no file behind.
 */
final class ScreenshotInbox {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}\\.png");
    /** Signature and IHDR up to the width and height: what {@link PngInfo#read} needs. */
    private static final int PNG_HEAD_BYTES = 24;

    private final Path dir;
    private final long budget;
    private final Map<String, Size> expected = new ConcurrentHashMap<>();
    private final Set<String> stored = ConcurrentHashMap.newKeySet();
    private long spent; // bytes stored plus bytes reserved by uploads under way; guarded by this

    /** The pixel size a screenshot must have: its width, and a height in a range (one height unless --full-page). */
    record Size(int width, int minHeight, int maxHeight) {
        boolean fits(PngInfo png) {
            return png.width() == width && png.height() >= minHeight && png.height() <= maxHeight;
        }

        String describe() {
            return width + "x" + (minHeight == maxHeight ? Integer.toString(maxHeight) : minHeight + "-" + maxHeight);
        }

        /**
         * The most bytes a PNG of this size can need: its raw rows (a filter byte and four RGBA
         * bytes a pixel) plus a generous allowance for chunk and deflate framing. A 1280x800
         * screenshot is rarely over 2 MB; this cap is about 4 MB for it.
         */
        long maxBytes() {
            long raw = maxHeight * (1 + 4L * width);
            return raw + raw / 64 + 64 * 1024;
        }
    }

    /** An upload we turn down: the HTTP status and a one-line reason for the client. */
    static final class Refused extends Exception {
        private final int status;

        Refused(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /** @param budget the most bytes all stored screenshots may take together */
    ScreenshotInbox(Path dir, long budget) {
        this.dir = dir;
        this.budget = budget;
    }

    /**
     * Lets one upload of {@code name} in, as a PNG {@code width} wide and {@code minHeight} to
     * {@code maxHeight} tall. Asking again is harmless.
     */
    void expect(String name, int width, int minHeight, int maxHeight) {
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("not a screenshot file name: " + name);
        expected.put(name, new Size(width, minHeight, maxHeight));
    }

    /** Starts receiving {@code length} bytes for {@code name}, or says why not before any byte is read. */
    Upload open(String name, long length) throws Refused, IOException {
        Size size = expected.get(name);
        if (size == null) throw new Refused(404, "no screenshot named " + name + " was asked for");
        if (stored.contains(name)) throw new Refused(409, name + " is already stored");
        if (length < 0) throw new Refused(411, "send the screenshot with a Content-Length");
        if (length > size.maxBytes()) {
            throw new Refused(413, length + " bytes is more than a " + size.describe() + " PNG needs");
        }
        reserve(length);
        try {
            return new Upload(name, size, length, Files.createTempFile(dir, ".upload-", ".tmp"));
        } catch (IOException e) {
            release(length);
            throw e;
        }
    }

    private synchronized void reserve(long length) throws Refused {
        if (spent + length > budget) {
            throw new Refused(507, "the screenshot budget of " + budget + " bytes for this run is spent");
        }
        spent += length;
    }

    private synchronized void release(long length) {
        spent -= length;
    }

    /** One body on its way into a temporary file; {@link #close} removes that file unless it was committed. */
    final class Upload implements AutoCloseable {
        private final String name;
        private final Size size;
        private final long length;
        private final Path temp;
        private boolean committed;

        private Upload(String name, Size size, long length, Path temp) {
            this.name = name;
            this.size = size;
            this.length = length;
            this.temp = temp;
        }

        /** Copies exactly the declared length from {@code body}, checking the PNG head as soon as it is in. */
        void receive(InputStream body) throws Refused, IOException {
            byte[] head = body.readNBytes((int) Math.min(PNG_HEAD_BYTES, length));
            if (head.length < Math.min(PNG_HEAD_BYTES, length)) throw new IOException("the upload broke off");
            checkPng(head);
            try (OutputStream file = Files.newOutputStream(temp)) {
                file.write(head);
                long left = length - head.length;
                byte[] buffer = new byte[64 * 1024];
                while (left > 0) {
                    int n = body.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n == -1) throw new IOException("the upload broke off " + left + " bytes short");
                    file.write(buffer, 0, n);
                    left -= n;
                }
            }
        }

        private void checkPng(byte[] head) throws Refused {
            PngInfo png;
            try {
                png = PngInfo.read(head);
            } catch (IllegalArgumentException e) {
                throw new Refused(415, e.getMessage());
            }
            if (!size.fits(png)) {
                throw new Refused(415, "the PNG is " + png.width() + "x" + png.height() + ", not the "
                        + size.describe() + " screenshot asked for");
            }
        }

        /** Moves the file into place, unless another upload of the same name got there first. */
        void commit() throws Refused, IOException {
            synchronized (stored) {
                if (stored.contains(name)) throw new Refused(409, name + " is already stored");
                Files.move(temp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                stored.add(name);
                committed = true;
            }
        }

        @Override
        public void close() throws IOException {
            if (committed) return;
            release(length);
            Files.deleteIfExists(temp);
        }
    }
}
