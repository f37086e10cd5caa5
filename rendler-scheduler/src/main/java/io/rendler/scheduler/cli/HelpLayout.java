package io.rendler.scheduler.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Lays out {@code --help} so that lines break only at spaces. Picocli wraps with the JDK's line
 * BreakIterator, which also breaks after a dot or a slash: "report." / "html" and "https:" /
 * "//example.org/". Here the description, the option list, the command list and the footer are
 * wrapped to the help width at spaces only, with continuation lines indented under their text
 * (a word longer than a line gets a line of its own, unbroken, so it can still be copied).
 */
final class HelpLayout {

    /** Where option descriptions start, and where their continuation lines do. */
    private static final int DESCRIPTION_COLUMN = 29;
    private static final int CONTINUATION_COLUMN = 31;

    private HelpLayout() {}

    /** Installs the layout on the command and all its subcommands. */
    static void install(CommandLine cli) {
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_DESCRIPTION,
                help -> paragraphs(help.commandSpec().usageMessage().description(), width(help)));
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_PARAMETER_LIST, HelpLayout::parameters);
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, HelpLayout::options);
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, HelpLayout::commands);
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER,
                help -> preformatted(help.commandSpec().usageMessage().footer(), width(help)));
        cli.getSubcommands().values().forEach(HelpLayout::install);
    }

    private static String parameters(Help help) {
        StringBuilder out = new StringBuilder();
        Help.IParameterRenderer renderer = help.createDefaultParameterRenderer();
        for (PositionalParamSpec parameter : help.commandSpec().positionalParameters()) {
            if (parameter.hidden()) continue;
            entry(out, renderer.render(parameter, help.createDefaultParamLabelRenderer(), help.colorScheme()), width(help));
        }
        return out.toString();
    }

    private static String options(Help help) {
        StringBuilder out = new StringBuilder();
        Help.IOptionRenderer renderer = help.createDefaultOptionRenderer();
        for (OptionSpec option : help.commandSpec().options()) {
            if (option.hidden()) continue;
            entry(out, renderer.render(option, help.createDefaultParamLabelRenderer(), help.colorScheme()), width(help));
        }
        return out.toString();
    }

    private static String commands(Help help) {
        if (help.subcommands().isEmpty()) return "";
        StringBuilder out = new StringBuilder(); // the heading is a section of its own
        help.subcommands().forEach((name, sub) -> {
            String head = "  " + name + "  ";
            String text = String.join(" ", sub.commandSpec().usageMessage().description()).strip();
            out.append(wrap(head + text, width(help), head.length() + 2, head.length()));
        });
        return out.toString();
    }

    /**
     * One option or parameter as picocli renders it (rows of five columns: marker, short name,
     * comma, long name with its label, description), laid out again: the names, then each
     * description row at {@link #DESCRIPTION_COLUMN}, on a line of its own when the names are wider.
     */
    private static void entry(StringBuilder out, Text[][] rows, int width) {
        for (Text[] row : rows) {
            // picocli's columns: 2 for the required marker, 2 for the short name, 1 for the comma,
            // then a space and the long name with its label
            String left = (pad(row[0].plainString(), 2) + pad(row[1].plainString(), 2) + pad(row[2].plainString(), 1)
                    + " " + row[3].plainString()).stripTrailing();
            String description = row[row.length - 1].plainString().strip();
            if (left.isBlank() && description.isEmpty()) continue;
            if (left.isBlank()) {
                out.append(wrap(" ".repeat(CONTINUATION_COLUMN) + description, width, CONTINUATION_COLUMN, CONTINUATION_COLUMN));
            } else if (left.length() > DESCRIPTION_COLUMN - 2) {
                out.append(left).append('\n');
                if (!description.isEmpty()) {
                    out.append(wrap(" ".repeat(DESCRIPTION_COLUMN) + description, width, CONTINUATION_COLUMN, DESCRIPTION_COLUMN));
                }
            } else {
                String line = left + " ".repeat(DESCRIPTION_COLUMN - left.length()) + description;
                out.append(wrap(line, width, CONTINUATION_COLUMN, DESCRIPTION_COLUMN));
            }
        }
    }

    private static String paragraphs(String[] lines, int width) {
        StringBuilder out = new StringBuilder();
        for (String line : lines) out.append(line.isEmpty() ? "\n" : wrap(line, width, 0, 0));
        return out.toString();
    }

    /**
     * Lines written with their own indentation, such as the examples and exit codes: kept as
     * they are when they fit, else wrapped with continuation lines under the line's text (after
     * its first gap of two or more spaces, as in "  4    setup problem: ...").
     */
    static String preformatted(String[] lines, int width) {
        StringBuilder out = new StringBuilder();
        for (String block : lines) {
            for (String line : block.split("\n", -1)) {
                if (line.length() <= width) {
                    out.append(line).append('\n');
                    continue;
                }
                int indent = leadingSpaces(line);
                int gap = line.indexOf("  ", indent);
                int textColumn = gap < 0 ? indent : gap + leadingSpaces(line.substring(gap));
                int hanging = textColumn > width / 2 ? indent + 4 : textColumn;
                out.append(wrap(line, width, hanging, 0));
            }
        }
        return out.toString();
    }

    /**
     * Wraps one line at spaces. The first {@code protectedPrefix} characters (names, indentation)
     * are never broken; continuation lines start with {@code indent} spaces. Ends with a newline.
     */
    static String wrap(String line, int width, int indent, int protectedPrefix) {
        List<String> out = new ArrayList<>();
        String prefix = line.substring(0, Math.min(protectedPrefix, line.length()));
        String rest = line.substring(prefix.length());
        StringBuilder current = new StringBuilder(prefix);
        boolean lineHasWord = false; // the first word stays on the first line, however long
        int start = 0;
        // Words keep whatever leading spaces the text gave them within a line, so aligned
        // columns in the first line stay aligned.
        while (start < rest.length()) {
            int wordStart = start;
            while (wordStart < rest.length() && rest.charAt(wordStart) == ' ') wordStart++;
            if (wordStart >= rest.length()) break;
            int wordEnd = rest.indexOf(' ', wordStart);
            if (wordEnd < 0) wordEnd = rest.length();
            String spaces = rest.substring(start, wordStart);
            String word = rest.substring(wordStart, wordEnd);
            if (lineHasWord && current.length() + spaces.length() + word.length() > width) {
                out.add(current.toString().stripTrailing());
                current = new StringBuilder(" ".repeat(indent)).append(word);
            } else {
                current.append(spaces).append(word);
            }
            lineHasWord = true;
            start = wordEnd;
        }
        out.add(current.toString().stripTrailing());
        return String.join("\n", out) + "\n";
    }

    /** The usage width picocli chose: the terminal's with auto width, else the configured one. */
    private static int width(Help help) {
        return help.commandSpec().usageMessage().width();
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    private static int leadingSpaces(String text) {
        int count = 0;
        while (count < text.length() && text.charAt(count) == ' ') count++;
        return count;
    }
}
