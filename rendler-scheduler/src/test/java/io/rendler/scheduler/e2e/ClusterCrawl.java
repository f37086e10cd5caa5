package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code rendler --master} run on a {@link RealCluster}, as a user starts it: the real command
 * in a child JVM, its output folder, and the framework id it registered as. Closing it ends the
 * process and the framework if the test did not get that far.
 */
final class ClusterCrawl implements AutoCloseable {

    static final int WIDTH = 640;
    static final int HEIGHT = 400;
    /** A demo-site crawl with renders takes about 30 s on two small agents; faults add the master's timeouts. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);
    private static final Pattern REGISTERED = Pattern.compile("(?:registered with Mesos as|took back) framework (\\S+)");

    private final RealCluster cluster;
    private final Path out;
    private final Path logs;
    private final Process process;
    private String frameworkId;

    private ClusterCrawl(RealCluster cluster, Path out, Path logs, Process process) {
        this.cluster = cluster;
        this.out = out;
        this.logs = logs;
        this.process = process;
    }

    /**
     * Crawls {@code startUrl} on the cluster; {@code advertiseHost} is where the agents reach this
     * machine's file server.
     */
    static ClusterCrawl start(RealCluster cluster, String startUrl, String advertiseHost, Path out, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--master", cluster.master(), "--advertise-host", advertiseHost,
                "--output", out.resolve("run").toString(), "--max-pages", "500", "--max-depth", "50",
                "--failover-timeout", "60s", "--viewport", WIDTH + "x" + HEIGHT));
        args.addAll(List.of(extra));
        args.add(startUrl);
        Process process = Rendler.start(out.resolve("stdout.txt"), out.resolve("stderr.txt"), args.toArray(String[]::new));
        return new ClusterCrawl(cluster, out, out, process);
    }

    /** {@code rendler --resume} of the crawl that {@link #start} began in {@code out}, with logs of its own. */
    static ClusterCrawl resume(RealCluster cluster, Path out) throws IOException {
        Path logs = Files.createDirectories(out.resolve("resumed"));
        Process process = Rendler.start(logs.resolve("stdout.txt"), logs.resolve("stderr.txt"), "--resume", "--output",
                out.resolve("run").toString());
        return new ClusterCrawl(cluster, out, logs, process);
    }

    /** SIGKILL, as a crash or the OOM killer would end the scheduler: no TEARDOWN, no outputs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "rendler outlived SIGKILL");
    }

    /** The framework id rendler registered as, once it says so. */
    String frameworkId() {
        if (frameworkId == null) {
            frameworkId = RealCluster.awaitValue(Duration.ofSeconds(60), "rendler registers with the master", () -> {
                Matcher registered = REGISTERED.matcher(stderr());
                if (registered.find()) return Optional.of(registered.group(1));
                if (!process.isAlive()) throw new AssertionError("rendler ended before registering:\n" + stderr());
                return Optional.empty();
            });
            cluster.own(frameworkId);
        }
        return frameworkId;
    }

    /** Waits for rendler to end with exit 0; returns what it said. */
    String finish() throws InterruptedException {
        boolean done = process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(done, "rendler did not finish in " + RUN_TIMEOUT.toMinutes() + " minutes:\n" + stderr());
        String log = stdout() + stderr();
        assertEquals(0, process.exitValue(), log);
        return log;
    }

    /** The live view's address, once rendler prints it (a run with the live view on). */
    String liveUrl() throws Exception {
        return LiveViewTest.liveUrl(process, logs.resolve("stderr.txt"));
    }

    /** Ctrl-C, as a teacher ends a {@code --ui} run that stays up after its crawl. */
    void interrupt() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    Path runDir() {
        return out.resolve("run");
    }

    /** The summary line names every page of the site once, and a render for each HTML page. */
    void assertCompleteGraph(SiteOracle oracle) throws IOException {
        CompleteGraph.assertComplete(runDir(), oracle, true, WIDTH, HEIGHT);
        String summary = "rendler: " + oracle.statusByUrl().size() + " crawled, " + oracle.htmlPages().size() + " rendered";
        assertTrue(stdout().startsWith(summary), "expected '" + summary + "': " + stdout());
    }

    String stdout() {
        return read(logs.resolve("stdout.txt"));
    }

    String stderr() {
        return read(logs.resolve("stderr.txt"));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        // A killed rendler leaves its framework behind for --failover-timeout: RealCluster.restore() ends it.
        Matcher registered = REGISTERED.matcher(stderr());
        if (registered.find()) cluster.own(registered.group(1));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
