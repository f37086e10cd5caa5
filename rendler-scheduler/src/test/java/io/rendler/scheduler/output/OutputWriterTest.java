package io.rendler.scheduler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rendler.scheduler.graph.GraphSnapshot;
import io.rendler.scheduler.graph.RunSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputWriterTest {

    private static final GraphvizRenderer NO_GRAPHVIZ = new GraphvizRenderer(null, Duration.ofSeconds(5));

    @TempDir
    Path temp;

    @Test
    void writesEveryFileIntoANewDirectoryAndSaysWhat() throws IOException {
        Path out = temp.resolve("nested/out");
        GraphSnapshot snapshot = Pages.everyStatus();
        OutputWriter.Written written = new OutputWriter(NO_GRAPHVIZ)
                .write(out, snapshot, Pages.summary("http://example.org/", snapshot));

        assertEquals(List.of(out.resolve("rendler.dot"), out.resolve("report.html"), out.resolve("pages.json")),
                written.files());
        for (Path file : written.files()) assertTrue(Files.size(file) > 0, file.toString());
        for (OutputFile file : written.timed()) assertFalse(file.took().isNegative(), file.toString());
        assertFalse(written.graph().produced());
        assertTrue(written.graphvizNote().startsWith("Graphviz `dot` not found"));
        assertEquals(List.of("pages.json", "rendler.dot", "report.html"), names(out), "no temporary files left");
    }

    @Test
    void pagesJsonIsSnakeCaseWithEveryPageAndLink() throws IOException {
        GraphSnapshot snapshot = Pages.everyStatus();
        RunSummary summary = Pages.summary("http://example.org/", snapshot);
        new OutputWriter(NO_GRAPHVIZ).write(temp, snapshot, summary);

        JsonObject json = JsonParser.parseString(Files.readString(temp.resolve("pages.json"))).getAsJsonObject();
        assertEquals(12_345, json.getAsJsonObject("summary").get("elapsed_millis").getAsLong());
        assertEquals("http://example.org/", json.getAsJsonObject("summary").get("start_url").getAsString());
        assertEquals(snapshot.pages().size(), json.getAsJsonArray("pages").size());
        assertEquals(snapshot.links().size(), json.getAsJsonArray("links").size());
        JsonObject failed = json.getAsJsonArray("pages").get(5).getAsJsonObject();
        assertEquals("CRAWL_FAILED", failed.get("status").getAsString());
        assertEquals(404, failed.get("http_status").getAsInt());
        assertEquals("HTTP 404", failed.get("error").getAsString());
        assertTrue(failed.has("screenshot") && failed.get("screenshot").isJsonNull(), "nulls are kept, so keys are stable");
        assertTrue(failed.has("render_millis"));
        JsonObject link = json.getAsJsonArray("links").get(0).getAsJsonObject();
        assertEquals(snapshot.links().get(0).from(), link.get("from").getAsString());
    }

    @Test
    void aStaleGraphFromAnEarlierRunIsRemovedWhenThisRunDrawsNone() throws IOException {
        Files.writeString(temp.resolve(GraphvizRenderer.SVG_FILE), "<svg>old</svg>");
        GraphSnapshot snapshot = Pages.everyStatus();
        new OutputWriter(NO_GRAPHVIZ).write(temp, snapshot, Pages.summary("http://example.org/", snapshot));
        assertFalse(Files.exists(temp.resolve(GraphvizRenderer.SVG_FILE)));
    }

    @Test
    void withGraphvizTheSvgIsListedAndLinkedFromTheReport() throws IOException {
        Path dot = GraphvizSupport.dotOrSkip();
        GraphSnapshot snapshot = Pages.everyStatus();
        OutputWriter.Written written = new OutputWriter(new GraphvizRenderer(dot, Duration.ofSeconds(30)))
                .write(temp, snapshot, Pages.summary("http://example.org/", snapshot));
        assertEquals(List.of(temp.resolve("rendler.dot"), temp.resolve("graph.svg"), temp.resolve("report.html"),
                temp.resolve("pages.json")), written.files());
        var link = org.jsoup.Jsoup.parse(Files.readString(temp.resolve("report.html"))).selectFirst("#graph a[href=graph.svg]");
        assertTrue(link != null, "the report links graph.svg");
    }

    @Test
    void rewritingReplacesFilesWhole() throws IOException {
        GraphSnapshot small = Pages.everyStatus();
        GraphSnapshot bigger = Pages.big(50, 3);
        OutputWriter writer = new OutputWriter(NO_GRAPHVIZ);
        writer.write(temp, bigger, Pages.summary("https://docs.example.org/", bigger));
        writer.write(temp, small, Pages.summary("http://example.org/", small));
        String dot = Files.readString(temp.resolve("rendler.dot"));
        assertFalse(dot.contains("docs.example.org"), "nothing of the longer old file is left");
        assertTrue(dot.endsWith("}\n"));
    }

    @Test
    void aWriteThatFailsHalfwayLeavesTheOldFileAndNoTemporary() throws IOException {
        Path target = temp.resolve("report.html");
        Files.writeString(target, "the complete old report");
        IOException failure = assertThrows(IOException.class, () -> AtomicFiles.writeText(target, out -> {
            out.write("half of a new rep");
            out.flush();
            throw new IOException("disk full");
        }));
        assertEquals("disk full", failure.getMessage());
        assertEquals("the complete old report", Files.readString(target));
        assertEquals(List.of("report.html"), names(temp));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
