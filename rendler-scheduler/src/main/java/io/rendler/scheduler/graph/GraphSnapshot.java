package io.rendler.scheduler.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable copy of the link graph for the outputs. Pages are in the order they were admitted
 * (breadth-first); links are in discovery order and only join pages that are both in {@code pages}.
 */
public record GraphSnapshot(List<PageRecord> pages, List<Link> links) {
    public GraphSnapshot {
        pages = List.copyOf(pages);
        links = List.copyOf(links);
    }

    /**
     * The links as [from, to] indexes into {@link #pages}, as report.html and the live view send
     * them: a third of the size of both URLs in every link. A link whose ends are not both pages is
     * left out.
     */
    public List<int[]> linkIndexes() {
        Map<String, Integer> index = new HashMap<>(pages.size() * 2);
        for (int i = 0; i < pages.size(); i++) index.putIfAbsent(pages.get(i).url(), i);
        List<int[]> pairs = new ArrayList<>(links.size());
        for (Link link : links) {
            Integer from = index.get(link.from());
            Integer to = index.get(link.to());
            if (from != null && to != null) pairs.add(new int[] {from, to});
        }
        return pairs;
    }
}
