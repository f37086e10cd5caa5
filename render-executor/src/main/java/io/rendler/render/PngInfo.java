package io.rendler.render;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The pixel size of a PNG, read from its IHDR chunk. A PNG must start with the 8-byte signature
 * followed by IHDR, so the size always sits at bytes 16 to 23.
 */
public record PngInfo(int width, int height) {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] IHDR = {'I', 'H', 'D', 'R'};
    private static final int HEADER_BYTES = 24;

    public PngInfo {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("PNG size must be positive: " + width + "x" + height);
    }

    /** Reads the size from the start of {@code png}; throws IllegalArgumentException when the bytes are not a PNG. */
    public static PngInfo read(byte[] png) {
        if (png == null || png.length < HEADER_BYTES || !Arrays.equals(png, 0, 8, SIGNATURE, 0, 8)) {
            throw new IllegalArgumentException("not a PNG: missing PNG signature");
        }
        if (!Arrays.equals(png, 12, 16, IHDR, 0, 4)) {
            throw new IllegalArgumentException("not a PNG: first chunk is not IHDR");
        }
        ByteBuffer header = ByteBuffer.wrap(png, 16, 8);
        int width = header.getInt();
        int height = header.getInt();
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("not a PNG: bad size " + width + "x" + height);
        return new PngInfo(width, height);
    }
}
