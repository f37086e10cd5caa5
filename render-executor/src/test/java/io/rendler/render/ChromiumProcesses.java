package io.rendler.render;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The Chromium processes this test JVM started, found through the process tree, for tests that kill them. */
final class ChromiumProcesses {

    private ChromiumProcesses() {}

    /** Browser processes: Chromium's main process has no {@code --type=} switch; its helpers do. */
    static List<ProcessHandle> browsers() {
        return all().stream().filter(p -> !commandLine(p).contains("--type=")).toList();
    }

    static List<ProcessHandle> renderers() {
        return all().stream().filter(p -> commandLine(p).contains("--type=renderer")).toList();
    }

    static List<ProcessHandle> all() {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> commandLine(p).contains("chrom"))
                .toList();
    }

    /** Kills a process and everything under it, children first, at once (SIGKILL), like a crash. */
    static void killTree(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Waits up to {@code seconds} for every Chromium process of this JVM to be gone. */
    static List<ProcessHandle> awaitNone(long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<ProcessHandle> left = all();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = all();
        }
        return left;
    }

    /** /proc's view, which shows what Chromium's helpers set as their title; ProcessHandle.Info may not. */
    private static String commandLine(ProcessHandle process) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return process.info().commandLine().orElse("");
        }
    }
}
