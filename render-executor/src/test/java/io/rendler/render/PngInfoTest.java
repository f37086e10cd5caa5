package io.rendler.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngInfoTest {

    @Test
    void readsTheSizeOfAPng() throws IOException {
        assertEquals(new PngInfo(37, 11), PngInfo.read(encode("png", 37, 11)));
    }

    @Test
    void readsSizesThatNeedAllFourBytes() throws IOException {
        assertEquals(new PngInfo(70_000, 1), PngInfo.read(encode("png", 70_000, 1)));
    }

    @Test
    void rejectsAJpeg() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PngInfo.read(encode("jpg", 8, 8)));
        assertTrue(e.getMessage().startsWith("not a PNG"), e.getMessage());
    }

    @Test
    void rejectsEmptyAndTruncatedBytes() throws IOException {
        byte[] png = encode("png", 5, 5);
        assertThrows(IllegalArgumentException.class, () -> PngInfo.read(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> PngInfo.read(null));
        assertThrows(IllegalArgumentException.class, () -> PngInfo.read(Arrays.copyOf(png, 20)));
    }

    @Test
    void rejectsAPngWhoseFirstChunkIsNotTheHeader() throws IOException {
        byte[] png = encode("png", 5, 5);
        png[12] = 'X';
        assertThrows(IllegalArgumentException.class, () -> PngInfo.read(png));
    }

    private static byte[] encode(String format, int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), format, out);
        return out.toByteArray();
    }
}
