package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * What a finished run must have written, whatever went wrong on the way: the site's graph as
 * {@link SiteOracle} sees it, every page exactly once, and a screenshot of the viewport's size for
 * each HTML page and nothing else in {@code screenshots/}.
 */
final class CompleteGraph {

    private CompleteGraph() {}

    static void assertComplete(Path runDir, SiteOracle oracle, boolean rendered, int width, int height) throws IOException {
        DotGraph graph = DotGraph.parse(runDir.resolve("rendler.dot"));
        assertEquals(oracle.statusByUrl().keySet(), graph.nodes().keySet());
        assertEquals(oracle.edges(), graph.edges());
        // The DOT parser keeps one node per id; pages.json lists every page record the run has.
        List<String> pages = pageUrls(runDir.resolve("pages.json"));
        assertEquals(oracle.statusByUrl().size(), pages.size(), "each page once in pages.json: " + pages);
        assertEquals(oracle.statusByUrl().keySet(), Set.copyOf(pages));
        Set<String> expectedImages = new TreeSet<>();
        for (var node : graph.nodes().entrySet()) {
            String image = node.getValue().get("image");
            assertEquals(rendered && oracle.htmlPages().contains(node.getKey()), image != null, "a screenshot exactly for each HTML page: " + node);
            if (image == null) continue;
            expectedImages.add(image);
            BufferedImage png = ImageIO.read(runDir.resolve(image).toFile());
            assertNotNull(png, image + " is not a PNG");
            assertEquals(width, png.getWidth(), image);
            assertEquals(height, png.getHeight(), image);
        }
        assertEquals(expectedImages, screenshotFiles(runDir), "screenshots/ holds the graph's images and nothing else");
    }

    private static List<String> pageUrls(Path pagesJson) throws IOException {
        List<String> urls = new ArrayList<>();
        JsonElement root = JsonParser.parseString(Files.readString(pagesJson, StandardCharsets.UTF_8));
        for (JsonElement page : root.getAsJsonObject().getAsJsonArray("pages")) {
            urls.add(page.getAsJsonObject().get("url").getAsString());
        }
        return urls;
    }

    private static Set<String> screenshotFiles(Path runDir) throws IOException {
        Path dir = runDir.resolve("screenshots");
        if (!Files.isDirectory(dir)) return Set.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> "screenshots/" + f.getFileName()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
