package io.rendler.render;

import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Finds the Chromium to render with, in this order: the path the user gave, the
 * {@value #ENV_VARIABLE} environment variable, the usual install locations, and last the browser
 * Playwright downloads for itself on machines with internet. A path the user named but that is not
 * an executable file is an error, not a reason to quietly pick another browser.
 *
 * <p>Debian's {@code chromium-headless-shell} comes first among the install locations: it is the
 * same Chromium build without the desktop browser around it, and on the PostgreSQL manual it gave
 * byte-identical screenshots for about a fifth less CPU and 200 MB less memory per run (bench/).
 */
public final class BrowserLocator {

    public static final String ENV_VARIABLE = "RENDLER_CHROMIUM";

    static final List<Path> WELL_KNOWN_PATHS = List.of(
            // Debian's /usr/bin/chromium-headless-shell is a shell script that runs this binary
            // as its child (no exec), which would put a shell between Playwright and the browser.
            Path.of("/usr/lib/chromium/chromium-headless-shell"),
            Path.of("/usr/bin/chromium-headless-shell"),
            Path.of("/usr/bin/chromium"),
            Path.of("/usr/bin/chromium-browser"),
            Path.of("/usr/bin/google-chrome"),
            Path.of("/snap/bin/chromium"),
            Path.of("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
            Path.of("/Applications/Chromium.app/Contents/MacOS/Chromium"));

    private final Map<String, String> environment;
    private final List<Path> wellKnownPaths;
    private final Supplier<Optional<Path>> playwrightDownload;

    BrowserLocator(Map<String, String> environment, List<Path> wellKnownPaths, Supplier<Optional<Path>> playwrightDownload) {
        this.environment = Map.copyOf(environment);
        this.wellKnownPaths = List.copyOf(wellKnownPaths);
        this.playwrightDownload = Objects.requireNonNull(playwrightDownload);
    }

    public static BrowserLocator forThisMachine() {
        return new BrowserLocator(System.getenv(), WELL_KNOWN_PATHS, BrowserLocator::playwrightDownloadedChromium);
    }

    /** Looks only at the options, the environment and the usual install paths, never at Playwright's download. */
    public static BrowserLocator installedOnly() {
        return new BrowserLocator(System.getenv(), WELL_KNOWN_PATHS, Optional::empty);
    }

    /** The browser to launch; throws {@link ChromiumNotFoundException} when there is none. */
    public Path locate(Optional<Path> explicit) {
        if (explicit.isPresent()) return requireExecutable(explicit.get(), "--chromium");
        String fromEnvironment = environment.get(ENV_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return requireExecutable(Path.of(fromEnvironment.strip()), ENV_VARIABLE);
        }
        for (Path candidate : wellKnownPaths) {
            if (isExecutableFile(candidate)) return candidate;
        }
        return playwrightDownload.get()
                .filter(BrowserLocator::isExecutableFile)
                .orElseThrow(() -> new ChromiumNotFoundException(
                        "No Chromium found: install chromium (e.g. apt-get install chromium) or pass --chromium /path/to/chromium"));
    }

    private static Path requireExecutable(Path path, String source) {
        if (isExecutableFile(path)) return path;
        throw new ChromiumNotFoundException("No Chromium at " + path + " (from " + source
                + "): install chromium or pass --chromium with the path of a Chromium or Chrome binary");
    }

    private static boolean isExecutableFile(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }

    /** Where Playwright keeps the browser it downloads (it does not download here: that needs internet). */
    private static Optional<Path> playwrightDownloadedChromium() {
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")))) {
            return Optional.of(Path.of(playwright.chromium().executablePath()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
