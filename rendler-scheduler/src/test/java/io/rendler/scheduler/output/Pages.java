package io.rendler.scheduler.output;

import io.rendler.scheduler.graph.GraphSnapshot;
import io.rendler.scheduler.graph.Link;
import io.rendler.scheduler.graph.PageRecord;
import io.rendler.scheduler.graph.PageStatus;
import io.rendler.scheduler.graph.RunSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Test fixtures: page records and snapshots with plausible values. */
final class Pages {

    private Pages() {}

    static PageRecord rendered(String url, int depth, String screenshot) {
        return new PageRecord(url, depth, PageStatus.RENDERED, url, 200, "text/html", screenshot, null,
                false, 40, 210, 1, 1);
    }

    static PageRecord withStatus(String url, PageStatus status) {
        return switch (status) {
            case RENDERED -> rendered(url, 1, "shot.png");
            case CRAWLED -> new PageRecord(url, 1, status, url, 200, "text/html", null, null, false, 30, 0, 1, 0);
            case RENDER_FAILED -> new PageRecord(url, 1, status, url, 200, "text/html", null,
                    "render timed out after 30 s", false, 30, 30_000, 1, 3);
            case NOT_HTML -> new PageRecord(url, 2, status, url, 200, "application/pdf", null, null, false, 12, 0, 1, 0);
            case REDIRECTED -> new PageRecord(url, 2, status, url + "moved/", 301, "text/html", null, null, false, 8, 0, 1, 0);
            case CRAWL_FAILED -> new PageRecord(url, 2, status, url, 404, "text/html", null, "HTTP 404", false, 5, 0, 2, 0);
            case UNFINISHED -> new PageRecord(url, 3, status, null, 0, null, null, null, false, 0, 0, 0, 0);
            case SKIPPED_ROBOTS -> new PageRecord(url, 2, status, null, 0, null, null, "disallowed by robots.txt", false, 0, 0, 0, 0);
        };
    }

    /** One page per status, all linked from the first. */
    static GraphSnapshot everyStatus() {
        List<PageRecord> pages = new ArrayList<>();
        List<Link> links = new ArrayList<>();
        for (PageStatus status : PageStatus.values()) {
            pages.add(withStatus("http://example.org/" + status.name().toLowerCase() + "/", status));
            if (pages.size() > 1) links.add(new Link(pages.get(0).url(), pages.get(pages.size() - 1).url()));
        }
        return new GraphSnapshot(pages, links);
    }

    /**
     * A big site-like graph: {@code pages} pages, each with links to a few pages near it and to the
     * first ten pages (a navigation bar), {@code linksPerPage} links in all.
     */
    static GraphSnapshot big(int pages, int linksPerPage) {
        List<PageRecord> records = new ArrayList<>(pages);
        for (int i = 0; i < pages; i++) {
            String url = "https://docs.example.org/section-" + (i / 100) + "/page-" + i + ".html";
            records.add(i % 50 == 7
                    ? withStatus(url, PageStatus.CRAWL_FAILED)
                    : rendered(url, Math.min(i, 6), "docs.example.org_page-" + i + "-0123456789ab.png"));
        }
        List<Link> links = new ArrayList<>(pages * linksPerPage);
        for (int i = 0; i < pages; i++) {
            for (int k = 0; k < linksPerPage; k++) {
                int target = k < 10 ? k : (i + k * 7) % pages;
                links.add(new Link(records.get(i).url(), records.get(target).url()));
            }
        }
        return new GraphSnapshot(records, links);
    }

    static RunSummary summary(String startUrl, GraphSnapshot snapshot) {
        int rendered = 0;
        int failed = 0;
        for (PageRecord page : snapshot.pages()) {
            if (page.status() == PageStatus.RENDERED) rendered++;
            if (page.status() == PageStatus.CRAWL_FAILED || page.status() == PageStatus.RENDER_FAILED) failed++;
        }
        return new RunSummary(startUrl, snapshot.pages().size(), rendered, failed, snapshot.links().size(),
                Duration.ofMillis(12_345), "complete");
    }
}
