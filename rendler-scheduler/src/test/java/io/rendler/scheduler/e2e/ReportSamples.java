package io.rendler.scheduler.e2e;

import io.rendler.scheduler.graph.GraphSnapshot;
import io.rendler.scheduler.graph.Link;
import io.rendler.scheduler.graph.PageRecord;
import io.rendler.scheduler.graph.PageStatus;
import io.rendler.scheduler.graph.RunSummary;
import io.rendler.scheduler.output.GraphvizRenderer;
import io.rendler.scheduler.output.OutputWriter;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;

/** Big synthetic crawls written through the real OutputWriter, for the report's browser tests. */
final class ReportSamples {

    private ReportSamples() {}

    static String url(int i) {
        return "https://docs.example.org/section-" + (i % 37) + "/chapter-" + (i / 37) + "/page-" + i + ".html";
    }

    /**
     * A site of {@code count} pages: a tree with {@code fanout} children per page in breadth-first
     * order (each page's first link is from its parent), plus a navigation bar to the first ten pages
     * and random links, {@code linksPerPage} per page in all. One leaf page in 40 failed (a failed
     * page has no links out, so in a real crawl nothing is found through it).
     *
     * @param screenshots whether the pages were rendered (each gets a small real PNG) or only crawled
     */
    static GraphSnapshot site(Path outputDir, int count, int fanout, int linksPerPage, boolean screenshots)
            throws IOException {
        Random random = new Random(42);
        int[] depth = new int[count];
        for (int i = 1; i < count; i++) depth[i] = depth[(i - 1) / fanout] + 1;
        List<PageRecord> pages = new ArrayList<>(count);
        Path shots = outputDir.resolve("screenshots");
        if (screenshots) Files.createDirectories(shots);
        for (int i = 0; i < count; i++) {
            String url = url(i);
            if (i % 40 == 39 && (long) i * fanout + 1 >= count) {
                pages.add(new PageRecord(url, depth[i], PageStatus.CRAWL_FAILED, url, 404, "text/html", null,
                        "HTTP 404", false, 7, 0, 2, 0));
            } else if (screenshots) {
                String file = "docs.example.org_page-" + i + ".png";
                writePng(shots.resolve(file), i);
                pages.add(new PageRecord(url, depth[i], PageStatus.RENDERED, url, 200, "text/html", file, null,
                        false, 30 + i % 50, 200 + i % 300, 1, 1));
            } else {
                pages.add(new PageRecord(url, depth[i], PageStatus.CRAWLED, url, 200, "text/html", null, null,
                        false, 30 + i % 50, 0, 1, 0));
            }
        }
        List<Link> links = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (pages.get(i).status() == PageStatus.CRAWL_FAILED) continue;
            Set<Integer> targets = new LinkedHashSet<>();
            for (int c = i * fanout + 1; c <= i * fanout + fanout && c < count; c++) targets.add(c);
            for (int k = 0; k < 10 && k < count; k++) targets.add(k);
            while (targets.size() < Math.min(linksPerPage, count - 1)) targets.add(random.nextInt(count));
            targets.remove(i);
            for (int target : targets) links.add(new Link(url(i), url(target)));
        }
        return new GraphSnapshot(pages, links);
    }

    /** Writes the outputs as a run would, without Graphviz; returns report.html. */
    static Path write(Path outputDir, GraphSnapshot snapshot) throws IOException {
        int rendered = 0;
        int failed = 0;
        for (PageRecord page : snapshot.pages()) {
            if (page.status() == PageStatus.RENDERED) rendered++;
            if (page.status() == PageStatus.CRAWL_FAILED) failed++;
        }
        RunSummary summary = new RunSummary(url(0), snapshot.pages().size(), rendered, failed,
                snapshot.links().size(), Duration.ofSeconds(95), "complete");
        new OutputWriter(new GraphvizRenderer(null, Duration.ofSeconds(5))).write(outputDir, snapshot, summary);
        return outputDir.resolve("report.html");
    }

    /** A small screenshot-like PNG: a header bar, a title and some lines of "text". */
    private static void writePng(Path file, int i) throws IOException {
        BufferedImage image = new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 320, 200);
        g.setColor(Color.getHSBColor((i % 37) / 37f, 0.6f, 0.7f));
        g.fillRect(0, 0, 320, 36);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
        g.drawString("Page " + i, 16, 70);
        g.setColor(Color.LIGHT_GRAY);
        for (int y = 90; y < 190; y += 14) g.fillRect(16, y, 200 + (i * y) % 90, 7);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }
}
