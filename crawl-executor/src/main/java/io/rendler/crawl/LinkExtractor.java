package io.rendler.crawl;

import io.rendler.common.UrlNormalizer;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The pages a document links to. Only {@code <a href>} and {@code <area href>} count: images,
 * style sheets and scripts are resources of this page, not other pages.
 */
final class LinkExtractor {

    private LinkExtractor() {}

    /** Absolute, normalised http(s) links in document order, each once. */
    static List<String> pageLinks(Document document) {
        Set<String> links = new LinkedHashSet<>();
        // Every link resolves against the same base, so an href seen before adds nothing. Sites
        // repeat their navigation (a third of the PostgreSQL manual's hrefs are repeats on their
        // page), and resolving plus normalising is about half of the extraction's CPU.
        Set<String> hrefsSeen = new HashSet<>();
        for (Element link : document.select("a[href], area[href]")) {
            if (!hrefsSeen.add(link.attr("href"))) continue;
            // absUrl resolves against <base href> when the page has one, and is empty when it cannot resolve.
            UrlNormalizer.normalize(link.absUrl("href")).ifPresent(links::add);
        }
        return List.copyOf(links);
    }
}
