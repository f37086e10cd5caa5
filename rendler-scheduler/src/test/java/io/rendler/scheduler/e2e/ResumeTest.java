package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crawl killed with SIGKILL at several moments and resumed each time ends exactly as one that
 * was never interrupted, and no page whose result was journaled is fetched or rendered again.
 * The real rendler command in a child JVM, real Chromium, a site that logs every request.
 */
class ResumeTest {

    private static final int PAGES = 30;
    private static final long PAGE_DELAY_MILLIS = 120;

    private static List<String> crawlArgs(Path out, String startUrl) {
        return List.of("--output", out.toString(), "--max-pages", "500", "--max-depth", "50", "--viewport", "640x400",
                "--crawl-concurrency", "2", "--render-concurrency", "2", startUrl);
    }

    /** What the journal held when the crawl was killed, and where the site's request log stood. */
    private record Kill(Set<String> crawled, Set<String> rendered, int requestsBefore) {}

    @Test
    void aCrawlKilledThreeTimesAndResumedEndsAsOneNeverInterruptedAndDoesNoPageTwice(@TempDir Path tmp) throws Exception {
        try (LoggingSite site = LoggingSite.start(PAGES, PAGE_DELAY_MILLIS)) {
            Path whole = tmp.resolve("whole");
            Rendler.Run uninterrupted = Rendler.run(crawlArgs(whole, site.startUrl()).toArray(String[]::new));
            assertEquals(0, uninterrupted.exitCode(), uninterrupted.output());

            Path out = tmp.resolve("killed");
            int before = site.requests().size();
            List<Kill> kills = new ArrayList<>();
            // As the first task starts; with crawls done and renders under way; near the end.
            List<Predicate<JournalFile>> moments = List.of(
                    journal -> journal.count("launch") >= 1,
                    journal -> journal.count("result") >= 12,
                    journal -> journal.count("result") >= 2 * PAGES - 12);
            Process rendler = Rendler.start(tmp.resolve("out-0.txt"), tmp.resolve("err-0.txt"),
                    crawlArgs(out, site.startUrl()).toArray(String[]::new));
            for (int i = 0; i < moments.size(); i++) {
                awaitJournal(rendler, out, moments.get(i), tmp.resolve("err-" + i + ".txt"));
                int requests = site.requests().size();
                rendler.destroyForcibly(); // SIGKILL
                assertTrue(rendler.waitFor(30, TimeUnit.SECONDS));
                JournalFile journal = JournalFile.read(out);
                kills.add(new Kill(journal.pathsDone("CRAWL"), journal.pathsDone("RENDER"), requests));
                rendler = Rendler.start(tmp.resolve("out-" + (i + 1) + ".txt"), tmp.resolve("err-" + (i + 1) + ".txt"),
                        "--resume", "--output", out.toString());
            }
            assertTrue(rendler.waitFor(3, TimeUnit.MINUTES), "the last resume did not finish");
            String err = Files.readString(tmp.resolve("err-3.txt"), StandardCharsets.UTF_8);
            assertEquals(0, rendler.exitValue(), err);
            assertTrue(err.contains("rendler: resuming the crawl of " + site.startUrl()), err);
            assertTrue(Files.readString(tmp.resolve("out-3.txt")).startsWith("rendler: " + PAGES + " crawled, " + PAGES + " rendered, 0 failed"),
                    Files.readString(tmp.resolve("out-3.txt")));

            assertEquals(DotGraph.parse(whole.resolve("rendler.dot")), DotGraph.parse(out.resolve("rendler.dot")));
            assertEquals(pages(whole), pages(out));
            assertEquals(files(whole.resolve("screenshots")), files(out.resolve("screenshots")), "the same screenshots and nothing else");
            assertTrue(kills.get(1).crawled().size() > 0 && kills.get(2).rendered().size() > 0, "kills came mid-crawl: " + kills);

            List<LoggingSite.Request> log = site.requests();
            for (Kill kill : kills) {
                List<LoggingSite.Request> after = log.subList(Math.max(before, kill.requestsBefore()), log.size());
                Set<String> crawledAgain = after.stream().filter(r -> !r.browser() && kill.crawled().contains(r.path()))
                        .map(LoggingSite.Request::path).collect(Collectors.toCollection(TreeSet::new));
                Set<String> renderedAgain = after.stream().filter(r -> r.browser() && kill.rendered().contains(r.path()))
                        .map(LoggingSite.Request::path).collect(Collectors.toCollection(TreeSet::new));
                assertEquals(Set.of(), crawledAgain, "pages crawled before a kill were fetched again");
                assertEquals(Set.of(), renderedAgain, "pages rendered before a kill were rendered again");
            }
            // Every page was crawled and rendered, and only pages cut short by a kill more than once.
            long crawls = log.subList(before, log.size()).stream().filter(r -> !r.browser()).count();
            assertTrue(crawls >= PAGES && crawls <= PAGES + 3 * 2, "crawl fetches: " + crawls);
        }
    }

    /**
     * robots.txt (a Disallow and a Crawl-delay) holds across a SIGKILL and a resume: its answer is
     * in the journal, so the resumed crawl obeys it without asking again, never fetches or renders
     * a disallowed page, and ends with the graph of an uninterrupted crawl.
     */
    @Test
    void robotsTxtHoldsAcrossAKillAndAResume(@TempDir Path tmp) throws Exception {
        try (PoliteSite site = PoliteSite.start()) {
            Path whole = tmp.resolve("whole");
            Rendler.Run uninterrupted = Rendler.run("--output", whole.toString(), "--viewport", "640x400", site.url("/"));
            assertEquals(0, uninterrupted.exitCode(), uninterrupted.output());

            Path out = tmp.resolve("killed");
            Process rendler = Rendler.start(tmp.resolve("out-0.txt"), tmp.resolve("err-0.txt"),
                    "--output", out.toString(), "--viewport", "640x400", site.url("/"));
            awaitJournal(rendler, out, journal -> journal.count("robots") >= 1 && journal.count("result") >= 2, tmp.resolve("err-0.txt"));
            rendler.destroyForcibly(); // SIGKILL
            assertTrue(rendler.waitFor(30, TimeUnit.SECONDS));
            int killedAt = site.requests().size();
            assertTrue(JournalFile.read(out).count("result") < 7, "killed mid-crawl");

            rendler = Rendler.start(tmp.resolve("out-1.txt"), tmp.resolve("err-1.txt"), "--resume", "--output", out.toString());
            assertTrue(rendler.waitFor(3, TimeUnit.MINUTES), "the resume did not finish");
            String err = Files.readString(tmp.resolve("err-1.txt"), StandardCharsets.UTF_8);
            assertEquals(0, rendler.exitValue(), err);
            assertTrue(err.contains("rendler: resuming the crawl of " + site.url("/")), err);

            List<PoliteSite.Request> log = site.requests();
            assertEquals(List.of(), log.stream().map(PoliteSite.Request::path).filter(path -> path.startsWith("/private/")).toList(),
                    "disallowed pages were fetched or rendered");
            assertEquals(List.of(), log.subList(killedAt, log.size()).stream().map(PoliteSite.Request::path)
                    .filter(path -> path.equals("/robots.txt")).toList(), "the resume asked for robots.txt again");
            assertEquals(1, JournalFile.read(out).count("robots"));
            assertEquals(DotGraph.parse(whole.resolve("rendler.dot")), DotGraph.parse(out.resolve("rendler.dot")));
            assertEquals(pages(whole), pages(out));
            assertTrue(Files.readString(out.resolve("pages.json")).contains("SKIPPED_ROBOTS"));
        }
    }

    private static void awaitJournal(Process rendler, Path out, Predicate<JournalFile> moment, Path stderr) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!moment.test(JournalFile.read(out))) {
            if (!rendler.isAlive()) throw new AssertionError("rendler ended before the moment to kill it:\n" + Files.readString(stderr));
            if (System.nanoTime() > deadline) throw new AssertionError("the moment to kill never came:\n" + Files.readString(stderr));
            Thread.sleep(10); // the poll interval, not a synchronisation
        }
    }

    /** pages.json's pages by URL, without what differs from run to run (times, attempts). */
    static Map<String, JsonObject> pages(Path runDir) throws IOException {
        Map<String, JsonObject> pages = new TreeMap<>();
        JsonElement root = JsonParser.parseString(Files.readString(runDir.resolve("pages.json"), StandardCharsets.UTF_8));
        for (JsonElement element : root.getAsJsonObject().getAsJsonArray("pages")) {
            JsonObject page = element.getAsJsonObject();
            for (String varying : List.of("crawl_millis", "render_millis", "crawl_attempts", "render_attempts", "depth")) page.remove(varying);
            pages.put(page.get("url").getAsString(), page);
        }
        return pages;
    }

    static Set<String> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return Set.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
