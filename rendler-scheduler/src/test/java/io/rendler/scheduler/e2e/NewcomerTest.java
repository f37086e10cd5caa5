package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rough edges a first-time user ran into, each tried as they tried it: the real command in a child JVM. */
class NewcomerTest {

    @Test
    void optionsGivenBeforeDemoApply(@TempDir Path out) throws Exception {
        Rendler.Run run = Rendler.run("--max-pages", "5", "--no-render", "-o", out.toString(), "demo", "-q");
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.stdout().startsWith("rendler: 5 crawled, 0 rendered"), run.output());
    }

    @Test
    void anOptionGivenOnBothSidesOfDemoTakesTheOneAfter(@TempDir Path out) throws Exception {
        Rendler.Run run = Rendler.run("--max-pages", "5", "--no-render", "demo", "-q", "--max-pages", "3", "-o", out.toString());
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.stdout().startsWith("rendler: 3 crawled"), run.output());
    }

    @Test
    void quietDemoPrintsOnlyTheSummary(@TempDir Path out) throws Exception {
        Rendler.Run run = Rendler.run("demo", "-q", "--no-render", "--max-pages", "2", "-o", out.toString());
        assertEquals(0, run.exitCode(), run.output());
        assertEquals("", run.stderr(), run.output());
        assertEquals(1, run.stdout().lines().count(), run.output());
    }

    @Test
    void aCrawlWithoutRenderingMakesNoScreenshotsFolder(@TempDir Path out) throws Exception {
        Rendler.Run run = Rendler.run("demo", "-q", "--no-render", "--max-pages", "2", "-o", out.toString());
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(Files.exists(out.resolve("rendler.dot")), run.output());
        assertFalse(Files.exists(out.resolve("screenshots")), "an empty screenshots/ folder was made");
    }

    @Test
    void aViewportNoOneMeansIsRefusedWithTheAllowedRange() throws Exception {
        Rendler.Run run = Rendler.run("--viewport", "10x10", "demo");
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.stderr().contains("200 to 8192"), run.output());
    }

    @Test
    void theSuggestionForAStartUrlWithoutSchemeIsOneThatParses() throws Exception {
        Rendler.Run typo = Rendler.run("--no-render", "example.org/docs");
        assertEquals(2, typo.exitCode(), typo.output());
        assertTrue(typo.stderr().contains("did you mean https://example.org/docs ?"), typo.output());

        Rendler.Run words = Rendler.run("--no-render", "not a url");
        assertEquals(2, words.exitCode(), words.output());
        assertFalse(words.stderr().contains("did you mean"), words.output());
        assertEquals(1, words.stderr().strip().lines().count(), words.output());
    }

    @Test
    void anOutputDirectoryThatCannotBeMadeSaysWhy() throws Exception {
        Rendler.Run run = Rendler.run("--no-render", "-o", "/proc/rendler-cannot-be-here", "demo");
        assertEquals(4, run.exitCode(), run.output());
        String line = run.stderr().lines().filter(l -> l.contains("cannot create the output directory")).findFirst().orElseThrow();
        assertFalse(line.endsWith(": /proc/rendler-cannot-be-here"), "the reason is only the path again: " + line);
        assertTrue(line.matches(".*: .*[a-z]{4,}.*"), line);
    }

    @Test
    void versionNamesTheBuildTheJavaAndTheChromium() throws Exception {
        Rendler.Run run = Rendler.run("--version");
        assertEquals(0, run.exitCode(), run.output());
        java.util.List<String> lines = run.stdout().lines().toList();
        assertEquals(3, lines.size(), run.output());
        assertTrue(lines.get(0).matches("rendler \\d+\\.\\d+\\.\\d+\\S* \\(commit [0-9a-f]{7}.*\\)"), lines.get(0));
        assertTrue(lines.get(1).startsWith("Java " + Runtime.version().feature()), lines.get(1));
        assertTrue(lines.get(2).matches("(Chromium|Google Chrome|Chrome).* \\d+\\.\\d+.* at /.*"), lines.get(2));
    }
}
