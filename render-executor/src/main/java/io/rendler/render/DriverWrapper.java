package io.rendler.render;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A small script through which Playwright starts its Node driver, so that the driver runs:
 * <ul>
 *   <li>in a session of its own ({@code setsid}). A terminal sends Ctrl-C's SIGINT to its whole
 *       foreground process group; a driver in that group dies of it at once, and with it its browser and
 *       every page in flight, before rendler's grace period could let them finish. Playwright already
 *       starts Chromium in a process group of its own.</li>
 *   <li>with a temporary directory of its own, {@code rendler-driver-PID-*} in {@link #TEMP_BASE_ENV}.
 *       The driver puts the browser's profile and its artifacts folders there and deletes them when it
 *       closes, but a driver killed by the watchdog cannot; {@link BrowserProcess} deletes the
 *       directory once the driver is gone.</li>
 * </ul>
 *
 * <p>Playwright for Java runs {@code PLAYWRIGHT_NODEJS_PATH} (default: the driver's own node) with the
 * driver's {@code package/cli.js}, and takes the driver's environment once per JVM, so nothing can
 * differ from one driver to the next but what the script makes. It {@code exec}s, so the driver keeps
 * the script's pid and stays this JVM's child. It is written once per user, next to the driver cache,
 * and used when the driver is unpacked there (or wherever the user's PLAYWRIGHT_DRIVER_DIR says):
 * Playwright's own unpacking per run leaves out its node when PLAYWRIGHT_NODEJS_PATH is set.
 */
final class DriverWrapper {

    private static final System.Logger LOG = System.getLogger(DriverWrapper.class.getName());

    static final String NODE_PATH_ENV = "PLAYWRIGHT_NODEJS_PATH";
    static final String TEMP_BASE_ENV = "RENDLER_DRIVER_TMP";
    static final String TEMP_PREFIX = "rendler-driver-";
    static final String SCRIPT_NAME = "playwright-driver.sh";

    static final String SCRIPT = """
            #!/bin/sh
            # Written by Rendler (DriverWrapper): Playwright's Node driver in a session of its own, so that
            # a terminal's Ctrl-C reaches only rendler, and with a temporary directory of its own, named
            # after its pid, that rendler deletes once it is gone.
            node="$RENDLER_NODE"
            if [ -n "$RENDLER_DRIVER_TMP" ]; then
              TMPDIR="$(mktemp -d "$RENDLER_DRIVER_TMP/rendler-driver-$$-XXXXXX")" && export TMPDIR
            fi
            if command -v setsid >/dev/null 2>&1; then exec setsid "$node" "$@"; fi
            exec "$node" "$@"
            """;


    private DriverWrapper() {}

    /** The directory in which each driver gets its own; the JVM's temporary directory. */
    static Path tempBase() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** What to add to the drivers' environment; empty when there is no unpacked driver or the script cannot be written. */
    static Map<String, String> environment() {
        return Environment.FOR_THIS_JVM;
    }

    /** Computed once: Playwright uses the first driver's environment for all of them anyway. */
    private static final class Environment {
        static final Map<String, String> FOR_THIS_JVM = environment(System.getenv(), tempBase());
    }

    static Map<String, String> environment(Map<String, String> env, Path tempBase) {
        PlaywrightDriverCache.install(env);
        String driverDir = System.getProperty(PlaywrightDriverCache.DIR_PROPERTY, env.get(PlaywrightDriverCache.DIR_ENV));
        if (driverDir == null) return Map.of();
        Optional<Path> script = PlaywrightDriverCache.root(env).flatMap(DriverWrapper::install);
        if (script.isEmpty()) return Map.of();
        Map<String, String> add = new HashMap<>();
        add.put(NODE_PATH_ENV, script.get().toString());
        add.put("RENDLER_NODE", env.getOrDefault(NODE_PATH_ENV, Path.of(driverDir, "node").toString()));
        add.put(TEMP_BASE_ENV, tempBase.toString());
        return Map.copyOf(add);
    }

    /** The script in {@code dir}, written (atomically) unless it is there already. */
    static Optional<Path> install(Path dir) {
        Path script = dir.resolve(SCRIPT_NAME);
        try {
            if (Files.isExecutable(script) && Files.readString(script, StandardCharsets.UTF_8).equals(SCRIPT)) return Optional.of(script);
            Files.createDirectories(dir);
            Path partial = Files.createTempFile(dir, SCRIPT_NAME, ".partial",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            try {
                Files.writeString(partial, SCRIPT, StandardCharsets.UTF_8);
                Files.move(partial, script, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
            return Optional.of(script);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(Level.WARNING, "Playwright''s driver will share rendler''s process group (Ctrl-C reaches it) "
                    + "and its temporary files: {0}", e.toString());
            return Optional.empty();
        }
    }
}
