package io.rendler.scheduler.output;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.rendler.scheduler.graph.GraphSnapshot;
import io.rendler.scheduler.graph.Link;
import io.rendler.scheduler.graph.PageRecord;
import io.rendler.scheduler.graph.RunSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes everything a run leaves behind apart from the screenshots (which the render executor
 * puts in {@code screenshots/}): {@code rendler.dot}, {@code graph.svg} when Graphviz is there,
 * {@code report.html} and {@code pages.json}. Each file appears whole or not at all.
 */
public final class OutputWriter {

    public static final String PAGES_JSON = "pages.json";

    private static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .serializeNulls()
            .disableHtmlEscaping()
            .setPrettyPrinting()
            .create();

    private final GraphvizRenderer graphviz;

    /** What was written, in order, and what Graphviz did (for the CLI to print). */
    public record Written(List<OutputFile> timed, GraphvizRenderer.Result graph) {
        public Written {
            timed = List.copyOf(timed);
        }

        public List<Path> files() {
            return timed.stream().map(OutputFile::path).toList();
        }

        /** One line on graph.svg: drawn, or why not. */
        public String graphvizNote() {
            return graph.note();
        }
    }

    /** The shape of {@code pages.json}; {@link RunSummary} carries a Duration, which gson cannot see into. */
    private record PagesFile(SummaryJson summary, List<PageRecord> pages, List<Link> links) {}

    private record SummaryJson(String startUrl, int crawled, int rendered, int failed, int edges,
                               long elapsedMillis, String stopReason) {}

    public OutputWriter(GraphvizRenderer graphviz) {
        this.graphviz = graphviz;
    }

    /** An output writer that draws with the {@code dot} on {@code PATH}, if there is one. */
    public OutputWriter() {
        this(GraphvizRenderer.fromPath());
    }

    /**
     * Writes the outputs into {@code outputDir}, creating it if needed. A graph.svg left by an
     * earlier run is removed when this run does not draw one, so the report never shows a stale graph.
     *
     * @throws IOException when a file cannot be written; Graphviz problems are only a note
     */
    public Written write(Path outputDir, GraphSnapshot snapshot, RunSummary summary) throws IOException {
        Files.createDirectories(outputDir);
        List<OutputFile> files = new ArrayList<>();

        long start = System.nanoTime();
        Path dot = outputDir.resolve(DotWriter.FILE_NAME);
        AtomicFiles.writeText(dot, out -> new DotWriter().write(snapshot, out));
        start = done(files, dot, start);

        GraphvizRenderer.Result graph = graphviz.render(outputDir, snapshot.pages().size(), snapshot.links().size());
        if (graph.produced()) {
            start = done(files, graph.svg(), start);
        } else {
            Files.deleteIfExists(outputDir.resolve(GraphvizRenderer.SVG_FILE));
            start = System.nanoTime();
        }

        Path report = outputDir.resolve(HtmlReport.FILE_NAME);
        AtomicFiles.writeText(report, out -> new HtmlReport().write(snapshot, summary, graph, out));
        start = done(files, report, start);

        Path json = outputDir.resolve(PAGES_JSON);
        PagesFile content = new PagesFile(
                new SummaryJson(summary.startUrl(), summary.crawled(), summary.rendered(), summary.failed(),
                        summary.edges(), summary.elapsed().toMillis(), summary.stopReason()),
                snapshot.pages(), snapshot.links());
        AtomicFiles.writeText(json, out -> GSON.toJson(content, out));
        done(files, json, start);

        return new Written(files, graph);
    }

    /** Records {@code file} as written since {@code start} and returns the start of the next one. */
    private static long done(List<OutputFile> files, Path file, long start) {
        long now = System.nanoTime();
        files.add(new OutputFile(file, Duration.ofNanos(now - start)));
        return now;
    }
}
