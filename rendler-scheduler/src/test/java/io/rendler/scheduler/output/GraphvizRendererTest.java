package io.rendler.scheduler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rendler.scheduler.graph.GraphSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphvizRendererTest {

    @TempDir
    Path dir;

    private void writeDot(GraphSnapshot snapshot) throws IOException {
        AtomicFiles.writeText(dir.resolve(DotWriter.FILE_NAME), out -> new DotWriter().write(snapshot, out));
    }

    @Test
    void withoutGraphvizTheResultSaysHowToGetIt() {
        GraphvizRenderer.Result result = new GraphvizRenderer(null, Duration.ofSeconds(5)).render(dir, 3, 2);
        assertFalse(result.produced());
        assertNull(result.svg());
        assertEquals("Graphviz `dot` not found; install graphviz to get graph.svg — rendler.dot is written anyway",
                result.note());
    }

    @Test
    void aMissingExecutableIsANoteNotAnException() throws IOException {
        writeDot(Pages.everyStatus());
        GraphvizRenderer renderer = new GraphvizRenderer(dir.resolve("no-such-dot"), Duration.ofSeconds(5));
        GraphvizRenderer.Result result = renderer.render(dir, 7, 6);
        assertFalse(result.produced());
        assertTrue(result.note().contains("could not run"), result.note());
        assertFalse(Files.exists(dir.resolve(GraphvizRenderer.SVG_FILE)));
    }

    @Test
    void graphsTooBigForAPictureAreNotDrawn() {
        // The fake executable would fail the test if it were run.
        GraphvizRenderer renderer = new GraphvizRenderer(dir.resolve("never-run"), Duration.ofSeconds(5));
        GraphvizRenderer.Result result = renderer.render(dir, GraphvizRenderer.MAX_PAGES + 1, 10);
        assertFalse(result.produced());
        assertTrue(result.note().startsWith("graph.svg not drawn: " + (GraphvizRenderer.MAX_PAGES + 1) + " pages"), result.note());
        assertTrue(renderer.render(dir, 10, GraphvizRenderer.MAX_LINKS + 1).note().contains("limit"));
    }

    @Test
    void aHungGraphvizIsKilledAtTheTimeout() throws IOException {
        Path fake = fakeDot("exec sleep 30\n");
        writeDot(Pages.everyStatus());
        long start = System.nanoTime();
        GraphvizRenderer.Result result = new GraphvizRenderer(fake, Duration.ofMillis(800)).render(dir, 7, 6);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertFalse(result.produced());
        assertTrue(result.note().contains("dot gave up after 0.4 s"), result.note());
        assertTrue(result.note().contains("sfdp gave up"), result.note());
        assertTrue(millis < 5_000, "took " + millis + " ms");
        assertNoLeftovers();
    }

    @Test
    void aFailingGraphvizReportsItsError() throws IOException {
        Path fake = fakeDot("echo 'Warning: something harmless' >&2\necho 'Error: rendler.dot: syntax error in line 1' >&2\nexit 1\n");
        writeDot(Pages.everyStatus());
        GraphvizRenderer.Result result = new GraphvizRenderer(fake, Duration.ofSeconds(5)).render(dir, 7, 6);
        assertFalse(result.produced());
        assertTrue(result.note().contains("dot failed (exit 1): Error: rendler.dot: syntax error in line 1"), result.note());
        assertTrue(result.note().endsWith("rendler.dot is written anyway"), result.note());
        assertNoLeftovers();
    }

    @Test
    void realGraphvizDrawsTheSvgInPlace() throws IOException {
        Path dot = GraphvizSupport.dotOrSkip();
        GraphSnapshot snapshot = Pages.everyStatus();
        writeDot(snapshot);
        DotWriterTest.writeThumbnail(dir.resolve("screenshots/shot.png"));
        GraphvizRenderer.Result result = new GraphvizRenderer(dot, Duration.ofSeconds(30))
                .render(dir, snapshot.pages().size(), snapshot.links().size());
        assertTrue(result.produced(), result.note());
        assertEquals(dir.resolve(GraphvizRenderer.SVG_FILE), result.svg());
        assertTrue(result.note().startsWith("graph.svg drawn by dot in "), result.note());
        String svg = Files.readString(result.svg());
        assertTrue(svg.contains("<svg"), "an SVG");
        assertTrue(svg.contains("xlink:href=\"screenshots/shot.png\""), "the thumbnail is referenced relatively");
        assertTrue(result.widthPoints() > 100 && result.heightPoints() > 100,
                result.widthPoints() + " x " + result.heightPoints());
        assertNoLeftovers();
    }

    @Test
    void mediumGraphsAreDrawnWithSfdp() throws IOException {
        Path dot = GraphvizSupport.dotOrSkip();
        GraphSnapshot snapshot = Pages.big(GraphvizRenderer.DOT_MAX_PAGES + 1, 5);
        writeDot(snapshot);
        GraphvizRenderer.Result result = new GraphvizRenderer(dot, Duration.ofSeconds(30))
                .render(dir, snapshot.pages().size(), snapshot.links().size());
        assertTrue(result.produced(), result.note());
        assertTrue(result.note().startsWith("graph.svg drawn by sfdp in "), result.note());
    }

    @Test
    void theSvgSizeIsReadFromItsRootElement() throws IOException {
        Path svg = dir.resolve("x.svg");
        Files.writeString(svg, "<?xml version=\"1.0\"?>\n<!-- Title -->\n<svg width=\"1234.5pt\" height=\"67pt\"\n viewBox=\"0 0 1 1\">");
        double[] size = GraphvizRenderer.svgSize(svg);
        assertEquals(1234.5, size[0]);
        assertEquals(67, size[1]);
        Files.writeString(svg, "<svg viewBox=\"0 0 1 1\">");
        assertEquals(0, GraphvizRenderer.svgSize(svg)[0]);
    }

    private Path fakeDot(String script) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell");
        Path fake = dir.resolve("fake-dot");
        Files.writeString(fake, "#!/bin/sh\n" + script);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        return fake;
    }

    private void assertNoLeftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertFalse(names.stream().anyMatch(n -> n.endsWith(".part")), names.toString());
        }
    }
}
