package io.rendler.scheduler.graph;

import java.util.List;

/**
 * An immutable copy of the link graph for the outputs. Pages are in the order they were admitted
 * (breadth-first); links are in discovery order and only join pages that are both in {@code pages}.
 */
public record GraphSnapshot(List<PageRecord> pages, List<Link> links) {
    public GraphSnapshot {
        pages = List.copyOf(pages);
        links = List.copyOf(links);
    }
}
