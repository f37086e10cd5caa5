package io.rendler.scheduler.journal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An output folder, as far as an earlier crawl in it goes: its journal, the outputs it wrote and
 * its screenshots. Starting a new crawl there would mix the two, so a new crawl asks first, and
 * {@link #clear} removes exactly what a crawl writes and nothing else a user keeps there.
 */
public record CrawlFolder(Path dir) {

    /** Every file a run writes beside its journal (see {@code OutputWriter}). */
    private static final List<String> OUTPUTS = List.of("rendler.dot", "graph.svg", "report.html", "pages.json");
    private static final String SCREENSHOTS = "screenshots";

    /** Whether a crawl has written anything here. */
    public boolean holdsCrawl() throws IOException {
        return JournalReplay.exists(dir) || OUTPUTS.stream().anyMatch(name -> Files.exists(dir.resolve(name))) || hasScreenshots();
    }

    /** Removes the journal, the outputs and the screenshots of the crawl here, and an emptied screenshots folder. */
    public void clear() throws IOException {
        Files.deleteIfExists(dir.resolve(Journal.FILE_NAME));
        for (String name : OUTPUTS) Files.deleteIfExists(dir.resolve(name));
        Path screenshots = dir.resolve(SCREENSHOTS);
        if (!Files.isDirectory(screenshots)) return;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(screenshots, "{*.png,*.part,.upload-*.tmp}")) {
            for (Path file : files) Files.deleteIfExists(file);
        }
        try (DirectoryStream<Path> left = Files.newDirectoryStream(screenshots)) {
            if (!left.iterator().hasNext()) Files.delete(screenshots);
        }
    }

    private boolean hasScreenshots() throws IOException {
        Path screenshots = dir.resolve(SCREENSHOTS);
        if (!Files.isDirectory(screenshots)) return false;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(screenshots, "*.png")) {
            return files.iterator().hasNext();
        }
    }
}
