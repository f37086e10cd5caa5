package io.rendler.scheduler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class HelpLayoutTest {

    /** The words that picocli's own wrapping used to split: file names, URLs, host:port. */
    private static final List<String> UNBROKEN = List.of("report.html", "https://example.org/docs/", "rendler.dot",
            "pages.json", "192.168.56.10:5050", "http://127.0.0.1:8080/", "--file-server-bind=ADDR");

    @ParameterizedTest
    @ValueSource(ints = {60, 80, 100})
    void helpBreaksLinesOnlyAtSpacesAndFitsTheWidth(int width) {
        for (boolean demo : List.of(false, true)) {
            String help = demo ? demoHelp(width) : help(width);
            String unwrapped = demo ? demoHelp(1000) : help(1000);
            List<String> lines = help.lines().toList();
            for (String line : lines) {
                // a single word longer than the line is the one thing allowed to overflow
                assertTrue(line.length() <= width || !line.strip().contains(" "), "wider than " + width + ": '" + line + "'");
            }
            // A word split across lines would read "report. html" once the lines are joined again.
            String joined = String.join(" ", lines.stream().map(String::strip).toList());
            for (String word : UNBROKEN) {
                if (unwrapped.contains(word)) assertTrue(joined.contains(word), word + " is split in:\n" + help);
            }
            assertFalse(help.contains("report.\n"), help);
            assertFalse(help.matches("(?s).*https?:\n.*"), help);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {60, 80})
    void examplesAndExitCodesWrapUnderTheirOwnText(int width) {
        String help = help(width);
        List<String> footer = help.lines().dropWhile(line -> !line.equals("Examples:")).skip(1).toList();
        assertFalse(footer.isEmpty(), help);
        for (String line : footer) {
            if (line.isEmpty() || line.equals("Exit codes:")) continue;
            assertTrue(line.startsWith("  "), "a footer line wrapped back to column 0: '" + line + "'\n" + help);
        }
        String setup = footer.stream().filter(line -> line.startsWith("  4 ")).findFirst().orElseThrow();
        int textColumn = setup.indexOf("setup");
        int next = footer.indexOf(setup) + 1;
        if (setup.length() + 20 > width) { // the line did not fit: its continuation sits under "setup"
            assertEquals(textColumn, footer.get(next).indexOf(footer.get(next).strip()), help);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {80})
    void optionDescriptionsStartInOneColumn(int width) {
        String help = help(width);
        List<String> options = help.lines()
                .filter(line -> line.matches("  (-\\w, |    )--\\S+ +\\S.*") && line.indexOf(' ', 6) < 27).toList();
        assertTrue(options.size() > 10, help);
        for (String line : options) {
            assertEquals(29, line.indexOf(line.substring(27).strip()), "description not at column 29: '" + line + "'");
        }
    }

    private static String help(int width) {
        CommandLine cli = RendlerCommand.commandLine();
        cli.setUsageHelpAutoWidth(false);
        cli.setUsageHelpWidth(width);
        return cli.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    private static String demoHelp(int width) {
        CommandLine demo = RendlerCommand.commandLine().getSubcommands().get("demo");
        demo.setUsageHelpAutoWidth(false);
        demo.setUsageHelpWidth(width);
        return demo.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }
}
