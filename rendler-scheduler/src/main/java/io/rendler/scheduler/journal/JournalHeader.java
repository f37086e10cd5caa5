package io.rendler.scheduler.journal;

import java.time.Instant;
import java.util.List;

/**
 * The journal's first line: what is needed to start the same crawl again.
 *
 * @param format   the journal format; this build reads {@link Journal#FORMAT} only
 * @param rendler  the version of rendler that started the crawl
 * @param started  when it started
 * @param args     the command line it was started with, the options a resume re-applies
 * @param demo     started by {@code rendler demo}, whose own folder may be reused without asking
 * @param settings the crawl's settings as {@link Journal#settingsJson} writes them; a resume
 *                 checks that the arguments still give the same
 */
public record JournalHeader(int format, String rendler, Instant started, List<String> args, boolean demo, String settings) {
    public JournalHeader {
        args = List.copyOf(args);
    }

    /** The crawl's start URL, from its settings. */
    public String startUrl() {
        return Journal.parse(settings).getAsJsonObject().get("start_url").getAsString();
    }
}
