package io.rendler.render;

import static io.rendler.render.RenderHandlerTest.OFFLINE;
import static io.rendler.render.RenderHandlerTest.assertSucceeded;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rendler.common.Boundary;
import io.rendler.common.PageLimits;
import io.rendler.common.RenderResult;
import io.rendler.common.ScreenshotNames;
import io.rendler.common.TaskRequest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same pages through both ways of taking a screenshot: frames drawn on request
 * ({@link BeginFrameCapture}, the default on a headless shell) and Chromium's own frames (any other
 * Chromium, or {@link RenderSettings#beginFrames()} false). The pixels must not depend on which one ran.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class CaptureModesTest {

    @TempDir
    static Path screenshots;

    private TestSite site;
    private RenderHandler onRequest;
    private RenderHandler ownFrames;

    @BeforeAll
    void start() throws IOException {
        site = new TestSite();
        RenderSettings settings = RenderSettings.defaults(screenshots).withParallelism(1).withExtraChromiumArgs(OFFLINE);
        onRequest = new RenderHandler(settings.withBeginFrames(true));
        ownFrames = new RenderHandler(settings.withBeginFrames(false));
    }

    @AfterAll
    void stop() {
        if (onRequest != null) onRequest.close();
        if (ownFrames != null) ownFrames.close();
        if (site != null) site.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/page.html", "/missing.html", "/fade-in.html", "/lazy-image.html", "/pages/7.html"})
    void bothWaysGiveTheSamePixels(String path) throws Exception {
        int[] drawnOnRequest = pixels(render(onRequest, path, "on-request"));
        int[] drawnOnItsOwn = pixels(render(ownFrames, path, "own-frames"));

        assertEquals(1280 * 800, drawnOnRequest.length);
        assertArrayEquals(drawnOnItsOwn, drawnOnRequest, "screenshots of " + path + " differ");
    }

    @Test
    void aHeadlessShellThatCannotDrawFramesOnRequestFallsBackToItsOwnFrames(@TempDir Path dir) throws Exception {
        Path shell = BrowserLocator.forThisMachine().locate(Optional.empty());
        assumeTrue(BeginFrameCapture.supportedBy(shell), "no headless shell here: " + shell);
        // Named like a headless shell, but the switch that turns on frames on request never reaches it.
        Path stripped = dir.resolve("stripped-headless-shell");
        Files.writeString(stripped, """
                #!/bin/bash
                args=()
                for arg in "$@"; do [ "$arg" = --enable-begin-frame-control ] || args+=("$arg"); done
                exec "%s" "${args[@]}"
                """.formatted(shell));
        Files.setPosixFilePermissions(stripped, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (RenderHandler handler = new RenderHandler(RenderSettings.defaults(screenshots).withParallelism(1)
                .withExtraChromiumArgs(OFFLINE).withChromium(stripped).withBeginFrames(true))) {
            int[] fellBack = pixels(render(handler, "/page.html", "fell-back"));
            int[] again = pixels(render(handler, "/fade-in.html", "fell-back"));

            assertArrayEquals(pixels(render(ownFrames, "/page.html", "own-frames")), fellBack);
            assertArrayEquals(pixels(render(ownFrames, "/fade-in.html", "own-frames")), again);
        }
    }

    private Path render(RenderHandler handler, String path, String tag) throws Exception {
        String url = site.url(path) + (path.contains("?") ? "&" : "?") + tag;
        TaskRequest request = TaskRequest.render(tag + path, url, PageLimits.defaults(), ScreenshotNames.forUrl(url), null, Boundary.unrestricted());
        RenderResult result = handler.handle(request).render();
        assertSucceeded(result);
        return screenshots.resolve(result.screenshot());
    }

    private static int[] pixels(Path png) throws IOException {
        return pixels(Files.readAllBytes(png));
    }

    /** Every pixel of a PNG as ARGB, row by row. */
    static int[] pixels(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
