package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal from a user's side, without rendering: a folder that holds a crawl is not mixed
 * with a new one, and a journal that a crash cut off, or that something spoiled, is handled in
 * one line. {@link ResumeTest} kills real crawls.
 */
class JournalTest {

    private static final int PAGES = 20;
    private static LoggingSite site;

    @BeforeAll
    static void serve() throws Exception {
        site = LoggingSite.start(PAGES, 0);
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    private static Rendler.Run crawl(Path out, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--no-render", "--output", out.toString()));
        args.addAll(List.of(extra));
        args.add(site.startUrl());
        return Rendler.run(args.toArray(String[]::new));
    }

    private static Rendler.Run resume(Path out, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--resume", "--output", out.toString()));
        args.addAll(List.of(extra));
        return Rendler.run(args.toArray(String[]::new));
    }

    private static List<String> journalLines(Path out) throws Exception {
        return Files.readAllLines(out.resolve("rendler.journal"), StandardCharsets.UTF_8);
    }

    /** The journal as a kill after its first {@code records} records (and the header) would leave it. */
    private static void cutJournalAfter(Path out, int records, String tornTail) throws Exception {
        List<String> lines = journalLines(out);
        String kept = String.join("\n", lines.subList(0, 1 + records)) + "\n" + tornTail;
        Files.writeString(out.resolve("rendler.journal"), kept, StandardCharsets.UTF_8);
    }

    @Test
    void aNewCrawlIntoAFolderHoldingAnotherAsksForResumeOrForce(@TempDir Path out) throws Exception {
        assertEquals(0, crawl(out).exitCode());
        Files.writeString(out.resolve("notes.txt"), "mine");
        Files.createDirectories(out.resolve("screenshots"));
        Files.write(out.resolve("screenshots/old.png"), new byte[] {1});

        Rendler.Run again = crawl(out);
        assertEquals(2, again.exitCode(), again.output());
        String said = again.stderr().strip();
        assertEquals(1, said.lines().count(), said);
        assertTrue(said.contains("holds a crawl of " + site.startUrl() + " begun "), said);
        assertTrue(said.contains("'rendler --resume -o " + out + "'") && said.contains("--force"), said);

        Rendler.Run forced = crawl(out, "--force");
        assertEquals(0, forced.exitCode(), forced.output());
        assertFalse(Files.exists(out.resolve("screenshots/old.png")), "the old crawl's screenshots are gone");
        assertEquals("mine", Files.readString(out.resolve("notes.txt")), "files that are not the crawl's stay");
        assertTrue(forced.stdout().startsWith("rendler: " + PAGES + " crawled"), forced.output());
    }

    @Test
    void theDemoReplacesItsOwnEarlierCrawlButNoOtherWithoutForce(@TempDir Path out) throws Exception {
        String[] demo = {"demo", "-q", "--no-render", "--max-pages", "3", "-o", out.toString()};
        assertEquals(0, Rendler.run(demo).exitCode());
        Rendler.Run twice = Rendler.run(demo);
        assertEquals(0, twice.exitCode(), twice.output());

        Path other = out.resolve("other");
        assertEquals(0, crawl(other).exitCode());
        Rendler.Run demoOverOther = Rendler.run("demo", "-q", "--no-render", "-o", other.toString());
        assertEquals(2, demoOverOther.exitCode(), demoOverOther.output());
    }

    @Test
    void aCutOffLastRecordIsDroppedWithANoteAndTheCrawlCompletes(@TempDir Path out) throws Exception {
        assertEquals(0, crawl(out).exitCode());
        Path whole = out.resolveSibling(out.getFileName() + "-whole");
        Files.createDirectories(whole);
        Files.copy(out.resolve("pages.json"), whole.resolve("pages.json"));
        cutJournalAfter(out, 9, "{\"e\":\"result\",\"admitted\":[\"http://127.0.0.1");

        Rendler.Run resumed = resume(out);
        assertEquals(0, resumed.exitCode(), resumed.output());
        assertTrue(resumed.stderr().contains("rendler: dropped the cut-off last record of rendler.journal"), resumed.output());
        assertEquals(ResumeTest.pages(whole), ResumeTest.pages(out));
        assertTrue(journalLines(out).stream().allMatch(line -> line.endsWith("}")), "the torn record is gone from the journal");
    }

    @Test
    void aCorruptJournalIsOneLineAndExit4(@TempDir Path out) throws Exception {
        assertEquals(0, crawl(out).exitCode());
        List<String> lines = new ArrayList<>(journalLines(out));
        lines.set(5, "garbage where a record was");
        Files.write(out.resolve("rendler.journal"), lines, StandardCharsets.UTF_8);

        Rendler.Run resumed = resume(out);
        assertEquals(4, resumed.exitCode(), resumed.output());
        assertEquals(1, resumed.stderr().strip().lines().count(), resumed.output());
        assertTrue(resumed.stderr().contains("is corrupt at line 6"), resumed.output());
    }

    @Test
    void aJournalFromAnotherFormatIsRefusedInOneLine(@TempDir Path out) throws Exception {
        assertEquals(0, crawl(out).exitCode());
        List<String> lines = new ArrayList<>(journalLines(out));
        lines.set(0, lines.get(0).replace("\"rendler_journal\":1", "\"rendler_journal\":99"));
        Files.write(out.resolve("rendler.journal"), lines, StandardCharsets.UTF_8);

        Rendler.Run resumed = resume(out);
        assertEquals(4, resumed.exitCode(), resumed.output());
        assertEquals(1, resumed.stderr().strip().lines().count(), resumed.output());
        assertTrue(resumed.stderr().contains("journal format 99"), resumed.output());
    }

    @Test
    void resumingAFinishedCrawlSaysSoAndWritesItsOutputsWithoutFetchingAnything(@TempDir Path out) throws Exception {
        assertEquals(0, crawl(out).exitCode());
        String dot = Files.readString(out.resolve("rendler.dot"));
        Files.delete(out.resolve("pages.json"));
        Files.delete(out.resolve("rendler.dot"));
        int requests = site.requests().size();

        Rendler.Run resumed = resume(out);
        assertEquals(0, resumed.exitCode(), resumed.output());
        assertTrue(resumed.stderr().contains("is already complete; writing its outputs again"), resumed.output());
        assertTrue(resumed.stdout().startsWith("rendler: " + PAGES + " crawled, 0 rendered, 0 failed"), resumed.output());
        assertEquals(dot, Files.readString(out.resolve("rendler.dot")));
        assertTrue(Files.exists(out.resolve("pages.json")));
        assertEquals(requests, site.requests().size(), "nothing was fetched");
    }

    @Test
    void aResumeCannotChangeWhatIsCrawledButMayChangeHowItRuns(@TempDir Path out) throws Exception {
        assertEquals(0, crawl(out, "--max-pages", "5").exitCode());
        cutJournalAfter(out, 4, "");

        Rendler.Run morePages = resume(out, "--max-pages", "50");
        assertEquals(2, morePages.exitCode(), morePages.output());
        assertTrue(morePages.stderr().contains("--max-pages is part of the crawl"), morePages.output());

        Rendler.Run quieter = resume(out, "-q", "--crawl-concurrency", "1");
        assertEquals(0, quieter.exitCode(), quieter.output());
        assertEquals("", quieter.stderr(), "-q applies to the resumed run");
        assertTrue(quieter.stdout().startsWith("rendler: 5 crawled"), "the original --max-pages 5 still holds: " + quieter.stdout());
    }

    @Test
    void aCrawlStillRunningIsNeitherResumedNorReplacedByAnother(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        try (LoggingSite slow = LoggingSite.start(PAGES, 500)) {
            Process running = Rendler.start(tmp.resolve("stdout.txt"), tmp.resolve("stderr.txt"), "--no-render", "--crawl-concurrency", "1",
                    "--output", out.toString(), slow.startUrl());
            try {
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
                while (JournalFile.read(out).count("launch") == 0) { // poll until the crawl is under way
                    assertTrue(running.isAlive() && System.nanoTime() < deadline, Files.readString(tmp.resolve("stderr.txt")));
                    Thread.sleep(20);
                }
                Rendler.Run resumed = resume(out);
                assertEquals(2, resumed.exitCode(), resumed.output());
                assertTrue(resumed.stderr().contains("is still running in another rendler"), resumed.output());
                Rendler.Run forced = Rendler.run("--no-render", "--force", "--output", out.toString(), slow.startUrl());
                assertEquals(2, forced.exitCode(), forced.output());
                assertTrue(Files.exists(out.resolve("rendler.journal")), "the running crawl's journal is untouched");
            } finally {
                running.destroyForcibly();
                running.waitFor();
            }
        }
    }

    @Test
    void resumeNeedsAJournal(@TempDir Path out) throws Exception {
        Rendler.Run resumed = resume(out);
        assertEquals(2, resumed.exitCode(), resumed.output());
        assertTrue(resumed.stderr().contains("holds no crawl to resume"), resumed.output());
    }
}
