package io.rendler.scheduler.graph;

/** A hyperlink from one page in the graph to another page in the graph. */
public record Link(String from, String to) {}
