package io.rendler.scheduler.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The processes under one rendler child process, as /proc shows them, for tests that kill or signal them. */
final class RunProcesses {

    private RunProcesses() {}

    /** Chromium's processes (browsers and helpers) under {@code rendler}. */
    static List<ProcessHandle> chromium(Process rendler) {
        return rendler.descendants().filter(p -> commandLine(p).contains("chrom")).toList();
    }

    /** Playwright's Node drivers, the rendler JVM's children. */
    static List<ProcessHandle> drivers(Process rendler) {
        return rendler.children().filter(p -> commandLine(p).contains("run-driver")).toList();
    }

    /** The temporary directories that drivers with these pids have left in {@code tmp}. */
    static List<Path> driverDirectories(Path tmp, List<Long> driverPids) throws IOException {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.filter(dir -> driverPids.stream().anyMatch(
                    pid -> dir.getFileName().toString().startsWith("rendler-driver-" + pid + "-"))).toList();
        }
    }

    /** Whether all of {@code processes} end within 10 seconds. */
    static boolean awaitGone(List<ProcessHandle> processes) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle process : processes) {
            while (process.isAlive()) {
                if (System.nanoTime() > deadline) return false;
                process.onExit().completeOnTimeout(process, 100, TimeUnit.MILLISECONDS).join();
            }
        }
        return true;
    }

    static String commandLine(ProcessHandle process) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return process.info().commandLine().orElse("");
        }
    }
}
