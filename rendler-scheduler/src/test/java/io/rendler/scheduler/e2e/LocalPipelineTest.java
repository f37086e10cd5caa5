package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rendler.scheduler.demo.DemoSite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole local pipeline, for real: the bundled demo site served on 127.0.0.1, the crawl and
 * render executors' handlers, real Chromium, and the outputs on disk, driven through the CLI.
 */
class LocalPipelineTest {

    private static DemoSite site;
    private static SiteOracle oracle;

    @BeforeAll
    static void serve() throws Exception {
        site = DemoSite.start();
        oracle = SiteOracle.crawl(site.startUrl());
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    @Test
    void theGraphIsTheSitesLinkStructureAndEveryScreenshotHasTheViewportSize(@TempDir Path out) throws Exception {
        Rendler.Run run = Rendler.run("--output", out.toString(), "--max-pages", "500", "--max-depth", "50",
                "--viewport", "800x600", site.startUrl());
        assertEquals(0, run.exitCode(), run.output());

        CompleteGraph.assertComplete(out, oracle, true, 800, 600);
        int screenshots = oracle.htmlPages().size();
        assertTrue(screenshots >= 30, "the demo site has at least 30 pages: " + screenshots);
        assertTrue(run.stdout().startsWith("rendler: " + oracle.statusByUrl().size() + " crawled, " + screenshots + " rendered"),
                run.stdout());
        assertTrue(Files.size(out.resolve("report.html")) > 1000);
        assertTrue(Files.exists(out.resolve("pages.json")));
    }

    @Test
    void fullPageScreenshotsAreAsTallAsTheirPagesUpToTheCap(@TempDir Path out) throws Exception {
        Rendler.Run run = Rendler.run("--output", out.toString(), "--max-pages", "12", "--viewport", "800x600",
                "--full-page", "--max-height", "1500", site.startUrl());
        assertEquals(0, run.exitCode(), run.output());
        java.util.List<java.awt.image.BufferedImage> images = new java.util.ArrayList<>();
        try (var pngs = Files.list(out.resolve("screenshots"))) {
            for (Path png : pngs.toList()) images.add(javax.imageio.ImageIO.read(png.toFile()));
        }
        assertFalse(images.isEmpty(), run.output());
        assertTrue(images.stream().allMatch(i -> i.getWidth() == 800 && i.getHeight() >= 600 && i.getHeight() <= 1500),
                "every screenshot 800 wide and 600 to 1500 tall");
        assertTrue(images.stream().anyMatch(i -> i.getHeight() > 600), "some demo page is longer than the viewport");
    }

    @Test
    void limitsCutTheGraphButKeepItConsistent(@TempDir Path out) throws Exception {
        Rendler.Run run = Rendler.run("--output", out.toString(), "--max-pages", "7", "--no-render", site.startUrl());
        assertEquals(0, run.exitCode(), run.output());
        DotGraph graph = DotGraph.parse(out.resolve("rendler.dot"));
        assertEquals(7, graph.nodes().size());
        assertTrue(oracle.statusByUrl().keySet().containsAll(graph.nodes().keySet()));
        Set<DotGraph.Edge> expected = oracle.edges().stream()
                .filter(e -> graph.nodes().containsKey(e.from()) && graph.nodes().containsKey(e.to()))
                .filter(e -> !graph.nodes().get(e.from()).getOrDefault("label", "").contains("not crawled"))
                .collect(Collectors.toSet());
        assertTrue(expected.containsAll(graph.edges()), "only real links: " + graph.edges());
        assertTrue(graph.nodes().values().stream().noneMatch(attrs -> attrs.containsKey("image")), "--no-render takes no screenshots");
        assertTrue(run.stdout().contains("page limit 7 reached"), run.stdout());
        assertTrue(run.stderr().lines().anyMatch(line -> line.matches("rendler: wrote .*rendler\\.dot in \\d+ ms")),
                "the DOT export is timed: " + run.stderr());
        assertFalse(run.stderr().contains("Exception"), run.stderr());
    }
}
