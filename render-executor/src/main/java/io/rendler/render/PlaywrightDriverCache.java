package io.rendler.render;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.playwright.impl.driver.jar.DriverJar;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Keeps Playwright's driver (a Node.js binary and its package, about 140 MB) unpacked in the user's
 * cache directory. Left alone, Playwright for Java unpacks it into a new temporary directory on
 * every run and deletes it again at exit, which cost about a second per run here (bench/README.md).
 *
 * <p>The cache is {@code $XDG_CACHE_HOME/rendler} or {@code ~/.cache/rendler}, one directory per
 * driver version and CPU architecture. A Mesos agent often starts executors with no HOME at all;
 * there the cache is a private {@code rendler-cache-USER} directory in the temporary directory, so
 * only the first executor on an agent pays for the unpacking (and each of its render slots does not
 * unpack a copy of its own). A directory counts only once it holds the completion marker,
 * and it gets its final name by an atomic rename, so two runs unpacking at once cannot see half a
 * driver. Anything that goes wrong leaves Playwright to its default. A driver the user chose with
 * {@code PLAYWRIGHT_DRIVER_DIR} or {@code -Dplaywright.cli.dir} is left alone, and
 * {@code RENDLER_DRIVER_CACHE=0} turns the cache off.
 */
final class PlaywrightDriverCache {

    private static final System.Logger LOG = System.getLogger(PlaywrightDriverCache.class.getName());

    /** The system property and environment variable through which Playwright takes a pre-unpacked driver. */
    static final String DIR_PROPERTY = "playwright.cli.dir";
    static final String DIR_ENV = "PLAYWRIGHT_DRIVER_DIR";
    static final String OFF_ENV = "RENDLER_DRIVER_CACHE";

    static final String COMPLETE_MARKER = ".rendler-complete";

    private PlaywrightDriverCache() {}

    /** Points Playwright at the cached driver, unpacking it there first if needed. */
    static synchronized void install(Map<String, String> env) {
        if (System.getProperty(DIR_PROPERTY) != null || env.containsKey(DIR_ENV) || "0".equals(env.get(OFF_ENV))) return;
        try {
            Optional<Path> root = root(env);
            if (root.isEmpty()) return;
            Path driver = prepare(root.get(), bundledVersion(), PlaywrightDriverCache::unpackBundledDriver);
            System.setProperty(DIR_PROPERTY, driver.toString());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.INFO, "not caching the Playwright driver, it will be unpacked to a temporary directory: {0}", e.toString());
        }
    }

    /** Where Rendler keeps files for this user: {@link #cacheRoot}, else {@link #privateTempRoot}. */
    static Optional<Path> root(Map<String, String> env) {
        return cacheRoot(env).or(() -> privateTempRoot(Path.of(System.getProperty("java.io.tmpdir")),
                System.getProperty("user.name", "unknown")));
    }

    /** {@code $XDG_CACHE_HOME/rendler}, else {@code $HOME/.cache/rendler}; empty when neither is usable. */
    static Optional<Path> cacheRoot(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && Path.of(xdg).isAbsolute()) return Optional.of(Path.of(xdg, "rendler"));
        String home = env.get("HOME");
        if (home != null && Path.of(home).isAbsolute()) return Optional.of(Path.of(home, ".cache", "rendler"));
        return Optional.empty();
    }

    /**
     * {@code tmp/rendler-cache-USER}, made readable by this user only; empty when it exists but
     * belongs to someone else or others may write to it, since a driver planted there would run as us.
     */
    static Optional<Path> privateTempRoot(Path tmp, String user) {
        Path root = tmp.resolve("rendler-cache-" + user.replaceAll("[^A-Za-z0-9._-]", "_"));
        try {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            PosixFileAttributes attributes = Files.readAttributes(root, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            boolean ours = attributes.isDirectory()
                    && attributes.owner().equals(root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user))
                    && !attributes.permissions().contains(PosixFilePermission.GROUP_WRITE)
                    && !attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE);
            if (ours) return Optional.of(root);
            LOG.log(Level.INFO, "not caching the Playwright driver in {0}: it is not a private directory of {1}", root, user);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(Level.INFO, "not caching the Playwright driver in {0}: {1}", root, e.toString());
        }
        return Optional.empty();
    }

    interface Unpacker {
        void unpackTo(Path dir) throws IOException;
    }

    /**
     * The complete driver directory for {@code version} under {@code root}, made with {@code unpacker}
     * if it is not there yet.
     */
    static Path prepare(Path root, String version, Unpacker unpacker) throws IOException {
        String name = "playwright-driver-" + version + "-" + System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
        Path target = root.resolve(name);
        if (isComplete(target)) return target;

        Files.createDirectories(root);
        Path partial = Files.createTempDirectory(root, name + ".partial-");
        try {
            unpacker.unpackTo(partial);
            Files.createFile(partial.resolve(COMPLETE_MARKER));
            if (Files.exists(target) && !isComplete(target)) deleteTree(target); // left by a run that died
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
                LOG.log(Level.INFO, "unpacked the Playwright driver once, into {0}", target);
            } catch (FileSystemException e) {
                // Another run renamed its copy into place first; theirs is as good as ours.
            }
        } finally {
            if (Files.exists(partial)) deleteTree(partial);
        }
        if (!isComplete(target)) throw new IOException("no complete driver in " + target);
        return target;
    }

    private static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve(COMPLETE_MARKER))
                && Files.isExecutable(dir.resolve("node"))
                && Files.isRegularFile(dir.resolve("package").resolve("cli.js"));
    }

    /** The driver package's version, from the package.json that the playwright jars carry. */
    static String bundledVersion() throws IOException {
        try (InputStream in = PlaywrightDriverCache.class.getClassLoader().getResourceAsStream("driver/package/package.json")) {
            if (in == null) throw new IOException("driver/package/package.json is not on the class path");
            JsonObject json = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
            String version = json.get("version").getAsString();
            if (!version.matches("[0-9A-Za-z.+-]+")) throw new IOException("unexpected driver version " + version);
            return version;
        }
    }

    private static void unpackBundledDriver(Path dir) throws IOException {
        try {
            DriverJar.installDriverTo(dir);
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
