package io.rendler.render;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One slot's browser as processes: a Playwright driver (Node) of its own and the Chromium it launched.
 * The driver runs through {@link DriverWrapper}: in a session of its own, out of reach of a terminal's
 * Ctrl-C, and with a temporary directory of its own, which holds the browser's profile and
 * Playwright's artifacts folders. A driver killed by the watchdog leaves those behind, so
 * {@link #close} deletes the directory once every process is gone.
 *
 * <p>The driver is found as the child this JVM gained during {@code Playwright.create} (Playwright does
 * not expose it, and it gives every driver of a JVM the same environment, so nothing else tells them
 * apart). Driver starts are therefore one at a time; the browser launches are not. So the driver can be
 * killed at any moment, even while {@code Playwright.create} or the launch hangs.
 */
final class BrowserProcess implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(BrowserProcess.class.getName());

    private static final Object DRIVER_STARTS = new Object();
    private static final long EXIT_WAIT_MILLIS = 5_000;

    private volatile Set<Long> childrenBeforeDriver; // set while the driver starts
    private volatile ProcessHandle driver;
    private volatile ProcessHandle chromium;
    private volatile Playwright playwright;
    private volatile Browser browser;
    private boolean closed;

    /**
     * Starts the driver and Chromium. Blocks; a caller that must not wait forever runs this under a
     * {@link SlotWatchdog}, which can {@link #kill} both at any point.
     */
    void start(Path executable, List<String> args, long launchTimeoutMillis) {
        synchronized (DRIVER_STARTS) {
            childrenBeforeDriver = ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
            playwright = Playwright.create(new Playwright.CreateOptions().setEnv(driverEnvironment()));
            driver = newDriver().orElse(null);
        }
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(executable)
                .setHeadless(true)
                .setArgs(args)
                // Playwright's own default would turn off the popup blocker the NavigationFence relies on.
                .setIgnoreDefaultArgs(List.of("--disable-popup-blocking"))
                .setTimeout(launchTimeoutMillis));
        ProcessHandle node = driver;
        chromium = node == null ? null : node.children().filter(ProcessHandle::isAlive).findFirst().orElse(null);
    }

    /** The same for every driver of this JVM: Playwright takes it from the first one. */
    private static Map<String, String> driverEnvironment() {
        Map<String, String> env = new HashMap<>(DriverWrapper.environment());
        // Only stops the driver from trying to download browsers; PLAYWRIGHT_DRIVER_DIR and
        // -Dplaywright.cli.dir still pick a pre-unpacked driver.
        env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        // The driver is a Node process that relays every screenshot as base64; with Node's default
        // 16 MB young-generation semi-spaces it grows to about 130-160 MB PSS, with 1 MB ones to about
        // 95 MB, at the same CPU (bench/, 300 pages). A NODE_OPTIONS of the user's comes after ours, so it wins.
        env.put("NODE_OPTIONS", ("--max-semi-space-size=1 " + System.getenv().getOrDefault("NODE_OPTIONS", "")).strip());
        return env;
    }

    Browser browser() {
        return browser;
    }

    /** False once Chromium's main process is gone; true before it is known. */
    boolean isAlive() {
        ProcessHandle main = chromium;
        return main == null || main.isAlive();
    }

    /**
     * Anonymous memory (the heaps, not the shared libraries every process maps) of Chromium and all
     * its helpers, in bytes. Zero where /proc cannot tell.
     */
    long memoryBytes() {
        ProcessHandle main = chromium;
        if (main == null) return 0;
        return Stream.concat(Stream.of(main), main.descendants()).mapToLong(BrowserProcess::anonymousBytes).sum();
    }

    private static long anonymousBytes(ProcessHandle process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("RssAnon:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            // The process just ended, or this is not Linux.
        }
        return 0;
    }

    /** Kills the driver, Chromium and every helper at once (SIGKILL). Safe from any thread, at any time. */
    void kill() {
        processes().forEach(ProcessHandle::destroyForcibly);
    }

    /** Chromium's processes first (once the driver is gone they would be orphans), then the driver. */
    private List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>();
        ProcessHandle main = chromium;
        if (main != null) {
            main.descendants().forEach(all::add);
            all.add(main);
        }
        driver().ifPresent(node -> {
            node.descendants().filter(p -> !all.contains(p)).forEach(all::add);
            all.add(node);
        });
        return all;
    }

    /** The driver, once Playwright has started it. */
    private Optional<ProcessHandle> driver() {
        ProcessHandle known = driver;
        if (known != null) return Optional.of(known);
        return childrenBeforeDriver == null ? Optional.empty() : newDriver();
    }

    /** A child of this JVM that is a Playwright driver and was not there before ours started. */
    private Optional<ProcessHandle> newDriver() {
        Set<Long> before = childrenBeforeDriver;
        return ProcessHandle.current().children()
                .filter(child -> !before.contains(child.pid()))
                .filter(child -> commandLine(child).contains("run-driver"))
                .findFirst();
    }

    private static String commandLine(ProcessHandle process) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return process.info().commandLine().orElse("");
        }
    }

    /**
     * Kills whatever is still running of the driver and Chromium, waits for it to end and deletes the
     * private directory. Call {@link #closeGracefully} first, under a deadline, for a tidy exit.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Optional<ProcessHandle> node = driver();
        List<ProcessHandle> processes = processes();
        processes.forEach(ProcessHandle::destroyForcibly);
        awaitExit(processes);
        node.ifPresent(gone -> deleteTempDirs(DriverWrapper.tempBase(), pid -> pid == gone.pid()));
    }

    /** Closes the browser and the driver through Playwright; throws whatever they throw. */
    void closeGracefully() {
        Browser openBrowser = browser;
        Playwright openDriver = playwright;
        browser = null;
        playwright = null;
        try {
            if (openBrowser != null) openBrowser.close();
        } finally {
            if (openDriver != null) openDriver.close();
        }
    }

    private static void awaitExit(List<ProcessHandle> processes) {
        CompletableFuture<?>[] exits = processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "Chromium or its driver did not exit within {0} ms of SIGKILL", EXIT_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Deletes the temporary directories of drivers that are gone without deleting theirs: killed with
     * their JVM, say, by SIGKILL. The driver's pid in the name says whose each one is.
     */
    static void deleteLeftovers(Path base) {
        deleteTempDirs(base, pid -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    private static void deleteTempDirs(Path base, LongPredicate ofDriver) {
        try (Stream<Path> dirs = Files.list(base)) {
            for (Path dir : dirs.filter(dir -> driverPid(dir).stream().anyMatch(ofDriver)).toList()) deleteTree(dir);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "cannot look for Playwright drivers' directories in " + base, e);
        }
    }

    /** The pid in {@code rendler-driver-PID-XXXXXX}; empty for anything else. */
    private static OptionalLong driverPid(Path dir) {
        String name = dir.getFileName().toString();
        if (!name.startsWith(DriverWrapper.TEMP_PREFIX) || !Files.isDirectory(dir)) return OptionalLong.empty();
        String rest = name.substring(DriverWrapper.TEMP_PREFIX.length());
        int dash = rest.indexOf('-');
        try {
            return dash < 0 ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(rest.substring(0, dash)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(path);
        } catch (IOException | UncheckedIOException e) {
            LOG.log(Level.WARNING, "could not delete the Playwright driver''s temporary directory {0}: {1}", dir, e.toString());
        }
    }
}
