package io.rendler.scheduler.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code rendler} command as a child JVM, as a user would, and captures what it says. */
final class Rendler {

    /** Keeps test Chromium from looking up Google's hosts on a machine with no internet (DESIGN.md §3). */
    static final String TEST_RESOLVER = "--chromium-arg=--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost";

    record Run(int exitCode, String stdout, String stderr, long millis) {
        String output() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private Rendler() {}

    static Run run(String... args) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile("rendler-out", ".txt");
        Path stderr = Files.createTempFile("rendler-err", ".txt");
        long start = System.nanoTime();
        Process process = start(stdout, stderr, args);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("rendler did not finish in 5 minutes:\n" + Files.readString(stderr));
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        try {
            return new Run(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8), millis);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    static Process start(Path stdout, Path stderr, String... args) throws IOException {
        return start(Map.of(), stdout, stderr, args);
    }

    /**
     * In a session and process group of its own, led by the rendler JVM (its pid is the group id), as
     * a shell starts a foreground command: {@code kill -INT -- -PID} is then what Ctrl-C in a terminal does.
     */
    static Process startAsTerminalJob(Path stdout, Path stderr, String... args) throws IOException {
        return start(List.of("setsid"), Map.of(), stdout, stderr, args);
    }

    /** With {@code environment} added to this JVM's. */
    static Process start(Map<String, String> environment, Path stdout, Path stderr, String... args) throws IOException {
        return start(List.of(), environment, stdout, stderr, args);
    }

    private static Process start(List<String> prefix, Map<String, String> environment, Path stdout, Path stderr, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dsun.net.httpserver.nodelay=true",
                "-cp", System.getProperty("java.class.path"),
                "io.rendler.scheduler.cli.RendlerCommand",
                TEST_RESOLVER));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }
}
