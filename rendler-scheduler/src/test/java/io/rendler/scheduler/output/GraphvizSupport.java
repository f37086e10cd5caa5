package io.rendler.scheduler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Assumptions;

/** Running the real Graphviz in tests, which are skipped where it is not installed. */
final class GraphvizSupport {

    private GraphvizSupport() {}

    static Path dotOrSkip() {
        var dot = GraphvizRenderer.findOnPath("dot");
        Assumptions.assumeTrue(dot.isPresent(), "Graphviz dot is not installed");
        return dot.get();
    }

    /** Runs {@code dot -Tsvg rendler.dot} in {@code dir} and parses the SVG as XML. */
    static Document svg(Path dot, Path dir) throws Exception {
        Path out = dir.resolve("test.svg");
        Path log = dir.resolve("dot.log");
        Process process = new ProcessBuilder(dot.toString(), "-Tsvg", DotWriter.FILE_NAME, "-o", out.getFileName().toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "dot finished");
        assertEquals(0, process.exitValue(), () -> "dot failed: " + read(log));
        return Jsoup.parse(read(out), "", Parser.xmlParser());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
