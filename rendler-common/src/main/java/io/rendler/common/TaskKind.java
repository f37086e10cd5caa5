package io.rendler.common;

/** The two kinds of work Rendler hands to executors. Each kind has its own executor type. */
public enum TaskKind {
    CRAWL("crawl"),
    RENDER("render");

    private final String label;

    TaskKind(String label) {
        this.label = label;
    }

    /** The short lower-case name used in task ids, executor ids and log lines. */
    public String label() {
        return label;
    }
}
