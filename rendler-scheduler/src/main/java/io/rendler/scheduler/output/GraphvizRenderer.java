package io.rendler.scheduler.output;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Draws {@code rendler.dot} into {@code graph.svg} with Graphviz when it is installed. Drawing is a
 * bonus: every problem (no Graphviz, a graph too big to be worth a picture, a layout that takes
 * too long, a crash) becomes a note in the {@link Result}, never an exception.
 *
 * <p>Engine choice, measured with Graphviz 2.43 on a 2-core machine, on site-like graphs (every
 * page links a ten-page navigation bar) written by {@link DotWriter}, which already keeps the
 * navigation links out of the ranking: {@code dot} draws the readable layered picture, in 0.1 s
 * for the 43-page demo site and 1 s for 100 pages and 1,000 links, but 300 pages and 3,000 links
 * take 14 s (8 s with its iteration limits turned down, {@code DOT_LIMITS}) and 600 pages and
 * 6,000 links over 80 s. So {@code dot} only gets graphs up to {@code DOT_MAX_*}, with the limits
 * above {@code DOT_PLAIN_MAX_LINKS}, and half the time budget; {@code sfdp} is the fallback and
 * the engine for bigger graphs. It lays out 3,000 pages and 60,000 links in about 3 s, but that
 * SVG is over 20 MB of thumbnails no one can read, so graphs past {@code MAX_*} are not drawn.
 * The limits are set low on purpose: drawing is part of every run's wall time, and a whole
 * manual's crawl (1,169 pages) spent longer in {@code sfdp} than in crawling.
 */
public final class GraphvizRenderer {

    public static final String SVG_FILE = "graph.svg";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    static final int DOT_MAX_PAGES = 150;
    static final int DOT_MAX_LINKS = 1_500;
    /** Up to here {@code dot} runs with its default iteration limits. */
    static final int DOT_PLAIN_MAX_LINKS = 500;
    private static final List<String> DOT_LIMITS = List.of("-Gnslimit=2", "-Gnslimit1=2", "-Gmclimit=0.2");
    static final int MAX_PAGES = 1_000;
    static final int MAX_LINKS = 20_000;

    private static final String NOT_FOUND =
            "Graphviz `dot` not found; install graphviz to get graph.svg — rendler.dot is written anyway";

    private static final Pattern SVG_SIZE = Pattern.compile("<svg\\s+width=\"([0-9.]+)pt\"\\s+height=\"([0-9.]+)pt\"");

    private final Path dot;
    private final Duration timeout;

    /**
     * What happened.
     *
     * @param svg          the file drawn, or null
     * @param widthPoints  the drawing's natural width in points, 0 when unknown or not drawn
     * @param heightPoints the drawing's natural height in points, 0 when unknown or not drawn
     * @param note         one line saying what was drawn, or why not
     */
    public record Result(Path svg, double widthPoints, double heightPoints, String note) {
        public static Result notDrawn(String note) {
            return new Result(null, 0, 0, note);
        }

        public boolean produced() {
            return svg != null;
        }
    }

    /**
     * @param dot     the {@code dot} executable, or null when Graphviz is not available
     * @param timeout the most one run may take, all attempts together
     */
    public GraphvizRenderer(Path dot, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        this.dot = dot;
        this.timeout = timeout;
    }

    /** A renderer using the {@code dot} found on {@code PATH}, if any, and the default timeout. */
    public static GraphvizRenderer fromPath() {
        return new GraphvizRenderer(findOnPath("dot").orElse(null), DEFAULT_TIMEOUT);
    }

    /** The first executable called {@code name} on {@code PATH}. */
    public static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            for (String candidate : windows ? List.of(name + ".exe", name) : List.of(name)) {
                Path file;
                try {
                    file = Path.of(dir, candidate);
                } catch (RuntimeException e) {
                    continue; // an unusable PATH entry
                }
                if (Files.isRegularFile(file) && Files.isExecutable(file)) return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    /**
     * Draws {@code outputDir/rendler.dot} into {@code outputDir/graph.svg}, running Graphviz in
     * {@code outputDir} so the thumbnails' relative paths resolve. The sizes pick the engine.
     */
    public Result render(Path outputDir, int pages, int links) {
        if (dot == null) return Result.notDrawn(NOT_FOUND);
        if (pages > MAX_PAGES || links > MAX_LINKS) {
            return Result.notDrawn(String.format(Locale.ROOT,
                    "graph.svg not drawn: %d pages and %d links are past the %d/%d limit for a readable "
                            + "picture; try `sfdp -Tsvg rendler.dot -o graph.svg` in %s yourself",
                    pages, links, MAX_PAGES, MAX_LINKS, outputDir));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> failures = new ArrayList<>();
        if (pages <= DOT_MAX_PAGES && links <= DOT_MAX_LINKS) {
            List<String> limits = links <= DOT_PLAIN_MAX_LINKS ? List.of() : DOT_LIMITS;
            Result drawn = attempt(outputDir, "dot", limits, timeout.dividedBy(2), failures);
            if (drawn != null) return drawn;
        }
        Duration left = Duration.ofNanos(deadline - System.nanoTime());
        if (!left.isNegative() && !left.isZero()) {
            Result drawn = attempt(outputDir, "sfdp", List.of("-Goverlap=prism"), left, failures);
            if (drawn != null) return drawn;
        }
        return Result.notDrawn("graph.svg not drawn: " + String.join("; ", failures)
                + " — rendler.dot is written anyway");
    }

    /** One Graphviz run; the drawn result, or null after adding the reason to {@code failures}. */
    private Result attempt(Path outputDir, String engine, List<String> extraArgs, Duration limit,
                           List<String> failures) {
        Path partial = outputDir.resolve(SVG_FILE + ".part");
        Path target = outputDir.resolve(SVG_FILE);
        Path errors = null;
        Process process = null;
        long started = System.nanoTime();
        try {
            errors = Files.createTempFile("rendler-graphviz-", ".log");
            List<String> command = new ArrayList<>(List.of(dot.toString(), "-K" + engine, "-Tsvg"));
            command.addAll(extraArgs);
            command.addAll(List.of(DotWriter.FILE_NAME, "-o", partial.getFileName().toString()));
            process = new ProcessBuilder(command)
                    .directory(outputDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File(nullDevice())))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(errors.toFile())
                    .start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                failures.add(engine + " gave up after " + seconds(limit));
                return null;
            }
            if (process.exitValue() != 0 || !Files.isRegularFile(partial) || Files.size(partial) == 0) {
                failures.add(engine + " failed (exit " + process.exitValue() + ")" + firstErrorLine(errors));
                return null;
            }
            double[] size = svgSize(partial);
            AtomicFiles.moveIntoPlace(partial, target);
            return new Result(target, size[0], size[1],
                    "graph.svg drawn by " + engine + " in " + seconds(Duration.ofNanos(System.nanoTime() - started)));
        } catch (IOException e) {
            failures.add(engine + " could not run: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add(engine + " interrupted");
            return null;
        } finally {
            if (process != null && process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                try {
                    process.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            deleteQuietly(partial);
            if (errors != null) deleteQuietly(errors);
        }
    }

    /** Width and height in points from the {@code <svg width="..pt" height="..pt"} Graphviz writes; zeros if absent. */
    static double[] svgSize(Path svg) {
        byte[] head = new byte[4096];
        int length;
        try (InputStream in = Files.newInputStream(svg)) {
            length = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return new double[] {0, 0};
        }
        Matcher size = SVG_SIZE.matcher(new String(head, 0, length, StandardCharsets.UTF_8));
        if (!size.find()) return new double[] {0, 0};
        return new double[] {Double.parseDouble(size.group(1)), Double.parseDouble(size.group(2))};
    }

    private static String firstErrorLine(Path errors) {
        try {
            for (String line : Files.readAllLines(errors, StandardCharsets.UTF_8)) {
                // Missing thumbnails only produce warnings; the interesting line is an error.
                if (line.startsWith("Error")) return ": " + line.strip();
            }
        } catch (IOException | RuntimeException e) {
            // The reason is a nicety; the exit code is already in the note.
        }
        return "";
    }

    private static String nullDevice() {
        return File.separatorChar == '\\' ? "NUL" : "/dev/null";
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A leftover temporary file is harmless.
        }
    }
}
