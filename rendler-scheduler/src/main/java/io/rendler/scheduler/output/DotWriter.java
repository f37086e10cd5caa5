package io.rendler.scheduler.output;

import io.rendler.scheduler.graph.GraphSnapshot;
import io.rendler.scheduler.graph.Link;
import io.rendler.scheduler.graph.PageRecord;
import io.rendler.scheduler.graph.PageStatus;
import java.io.IOException;
import java.io.Writer;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes the link graph as a Graphviz digraph: one node per page, named by its URL, and one edge
 * per link. A page with a screenshot is drawn as a thumbnail of it ({@code image=} relative to the
 * output directory, so run {@code dot} from there); a page without one is a short box.
 * The same snapshot always gives the same bytes.
 */
public final class DotWriter {

    public static final String FILE_NAME = "rendler.dot";

    /** Characters of the URL path shown under each node. */
    static final int LABEL_CHARS = 34;

    // 2.4in x 1.5in holds a 1280x800 screenshot at thumbnail size; the extra 0.4in is the label.
    private static final String THUMBNAIL_HEIGHT = "1.9";
    private static final String PLAIN_HEIGHT = "0.6";

    private record Look(String color, String fillColor, String style, String penWidth) {}

    // A switch rather than a map, so that a new PageStatus cannot compile without a look.
    private static Look look(PageStatus status) {
        return switch (status) {
            case RENDERED -> new Look("#2b6cb0", "#ffffff", "filled", "1.2");
            case CRAWLED -> new Look("#2b6cb0", "#ebf8ff", "filled", "1.2");
            case RENDER_FAILED -> new Look("#dd6b20", "#fffaf0", "filled,dashed", "2");
            case NOT_HTML -> new Look("#718096", "#f7fafc", "filled", "1");
            case REDIRECTED -> new Look("#718096", "#ffffff", "filled,dashed", "1");
            case CRAWL_FAILED -> new Look("#c53030", "#fff5f5", "filled", "2.5");
            case UNFINISHED -> new Look("#a0aec0", "#ffffff", "filled,dotted", "1.2");
        };
    }

    /** Writes the digraph for {@code snapshot}; the caller buffers and closes {@code out}. */
    public void write(GraphSnapshot snapshot, Writer out) throws IOException {
        out.write("digraph rendler {\n");
        out.write("  graph [charset=\"UTF-8\", rankdir=\"TB\", nodesep=\"0.35\", ranksep=\"0.9\", "
                + "outputorder=\"edgesfirst\", fontname=\"Helvetica\"];\n");
        out.write("  node [shape=\"box\", fixedsize=\"true\", width=\"2.4\", height=\"" + PLAIN_HEIGHT + "\", "
                + "imagescale=\"true\", imagepos=\"tc\", labelloc=\"b\", fontname=\"Helvetica\", "
                + "fontsize=\"10\", target=\"_blank\"];\n");
        out.write("  edge [color=\"#4a556880\", arrowsize=\"0.6\"];\n");

        // Each URL is quoted once and reused by every edge that touches it.
        Map<String, String> ids = new HashMap<>(snapshot.pages().size() * 2);
        for (PageRecord page : snapshot.pages()) {
            String id = DotStrings.quotedId(page.url());
            ids.put(page.url(), id);
            writeNode(page, id, out);
        }
        for (Link link : snapshot.links()) {
            out.write("  ");
            out.write(ids.computeIfAbsent(link.from(), DotStrings::quotedId));
            out.write(" -> ");
            out.write(ids.computeIfAbsent(link.to(), DotStrings::quotedId));
            out.write(";\n");
        }
        out.write("}\n");
    }

    private static void writeNode(PageRecord page, String id, Writer out) throws IOException {
        Look look = look(page.status());
        String path = PageText.shortPath(page.url(), LABEL_CHARS);
        String note = PageText.statusNote(page);
        String screenshot = PageText.safeScreenshot(page);

        out.write("  ");
        out.write(id);
        out.write(" [label=");
        out.write(note.isEmpty() ? DotStrings.quotedLabel(path) : DotStrings.quotedLabel(path, note));
        String url = DotStrings.quotedUrl(page.url());
        out.write(", URL=");
        out.write(url);
        out.write(", tooltip=");
        out.write(url);
        if (screenshot != null) {
            out.write(", image=\"" + PageText.SCREENSHOT_DIR + "/");
            out.write(screenshot);
            out.write("\", height=\"" + THUMBNAIL_HEIGHT + "\"");
        }
        out.write(", color=\"");
        out.write(look.color());
        out.write("\", fillcolor=\"");
        out.write(look.fillColor());
        out.write("\", style=\"");
        out.write(look.style());
        out.write("\", penwidth=\"");
        out.write(look.penWidth());
        out.write("\"];\n");
    }
}
