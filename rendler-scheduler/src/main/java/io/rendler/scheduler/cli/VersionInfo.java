package io.rendler.scheduler.cli;

import io.rendler.render.BrowserLocator;
import io.rendler.common.PageLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * What {@code rendler --version} prints: Rendler's version and the git commit it was built from
 * (written into {@code version.properties} at build time), the Java that runs it, and the Chromium
 * it would render with. A bug report needs all four.
 */
final class VersionInfo implements CommandLine.IVersionProvider {

    private static final long CHROMIUM_ANSWER_SECONDS = 5;

    @Override
    public String[] getVersion() {
        return new String[] {
            "rendler " + build(),
            "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor") + ")",
            chromium()
        };
    }

    /** This build's version and commit, e.g. {@code 0.1.0 (commit 1a2b3c4)}; the journal records it. */
    static String build() {
        Properties build = buildProperties();
        String version = build.getProperty("version", "development build");
        String commit = build.getProperty("commit", "");
        String source = commit.isEmpty() || commit.startsWith("${") ? "commit unknown"
                : "commit " + commit + ("true".equals(build.getProperty("dirty")) ? " with local changes" : "");
        return version + " (" + source + ")";
    }

    /** The default User-Agent: Rendler, its version, and where to read about it. */
    static String userAgent() {
        String version = buildProperties().getProperty("version", "dev");
        return "Rendler/" + version + " (+" + PageLimits.PROJECT_URL + ")";
    }

    private static Properties buildProperties() {
        Properties properties = new Properties();
        try (InputStream in = VersionInfo.class.getResourceAsStream("version.properties")) {
            if (in != null) properties.load(in);
        } catch (IOException e) {
            // A jar without the file is a development build; say so rather than fail --version.
        }
        return properties;
    }

    private static String chromium() {
        Path browser;
        try {
            browser = BrowserLocator.installedOnly().locate(Optional.empty());
        } catch (RuntimeException e) {
            return "Chromium: none found (rendering needs one; --no-render does not)";
        }
        try {
            Process process = new ProcessBuilder(List.of(browser.toString(), "--version")).redirectErrorStream(true).start();
            process.getOutputStream().close();
            if (!process.waitFor(CHROMIUM_ANSWER_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "Chromium at " + browser + " (no version after " + CHROMIUM_ANSWER_SECONDS + " s)";
            }
            String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            String firstLine = said.lines().findFirst().orElse("version unknown");
            return firstLine + " at " + browser;
        } catch (IOException e) {
            return "Chromium at " + browser + " (cannot run it: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Chromium at " + browser;
        }
    }
}
