package io.rendler.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrowserLocatorTest {

    @TempDir
    Path dir;

    private Path chromium;
    private Path otherChromium;
    private Path notExecutable;

    @BeforeEach
    void fakeBrowsers() throws IOException {
        chromium = executable("chromium");
        otherChromium = executable("chrome");
        notExecutable = Files.writeString(dir.resolve("chromium.txt"), "not a program");
    }

    @Test
    void aBogusExplicitPathIsAOneLineErrorThatSaysWhatToDo() {
        Path bogus = dir.resolve("no-such-chromium");
        BrowserLocator locator = new BrowserLocator(Map.of(), List.of(chromium), Optional::empty);

        ChromiumNotFoundException e = assertThrows(ChromiumNotFoundException.class, () -> locator.locate(Optional.of(bogus)));

        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains(bogus.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("install chromium") && e.getMessage().contains("--chromium"), e.getMessage());
    }

    @Test
    void anExplicitPathWinsOverEverythingElse() {
        BrowserLocator locator = new BrowserLocator(Map.of(BrowserLocator.ENV_VARIABLE, chromium.toString()), List.of(chromium), Optional::empty);

        assertEquals(otherChromium, locator.locate(Optional.of(otherChromium)));
    }

    @Test
    void theEnvironmentVariableComesBeforeTheUsualPlaces() {
        BrowserLocator locator = new BrowserLocator(Map.of(BrowserLocator.ENV_VARIABLE, otherChromium.toString()), List.of(chromium), Optional::empty);

        assertEquals(otherChromium, locator.locate(Optional.empty()));
    }

    @Test
    void aBogusEnvironmentVariableIsAnErrorNamingIt() {
        BrowserLocator locator = new BrowserLocator(Map.of(BrowserLocator.ENV_VARIABLE, notExecutable.toString()), List.of(chromium), Optional::empty);

        ChromiumNotFoundException e = assertThrows(ChromiumNotFoundException.class, () -> locator.locate(Optional.empty()));
        assertTrue(e.getMessage().contains(BrowserLocator.ENV_VARIABLE), e.getMessage());
    }

    @Test
    void theFirstExecutableInTheUsualPlacesIsUsed() {
        BrowserLocator locator = new BrowserLocator(Map.of(), List.of(dir.resolve("missing"), notExecutable, otherChromium, chromium), Optional::empty);

        assertEquals(otherChromium, locator.locate(Optional.empty()));
    }

    @Test
    void playwrightsOwnBrowserIsTheLastResort() {
        BrowserLocator locator = new BrowserLocator(Map.of(), List.of(dir.resolve("missing")), () -> Optional.of(chromium));

        assertEquals(chromium, locator.locate(Optional.empty()));
    }

    @Test
    void noBrowserAnywhereIsAOneLineErrorThatSaysWhatToDo() {
        BrowserLocator locator = new BrowserLocator(Map.of(), List.of(dir.resolve("missing")), () -> Optional.of(dir.resolve("also-missing")));

        ChromiumNotFoundException e = assertThrows(ChromiumNotFoundException.class, () -> locator.locate(Optional.empty()));
        assertEquals("No Chromium found: install chromium (e.g. apt-get install chromium) or pass --chromium /path/to/chromium", e.getMessage());
    }

    @Test
    void aRenderHandlerWithABogusChromiumFailsAtOnceWithThatError() {
        RenderSettings settings = RenderSettings.defaults(dir.resolve("shots")).withChromium(dir.resolve("bogus/chromium"));

        ChromiumNotFoundException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(ChromiumNotFoundException.class, () -> new RenderHandler(settings)));
        assertTrue(e.getMessage().startsWith("No Chromium at " + dir.resolve("bogus/chromium")), e.getMessage());
    }

    private Path executable(String name) throws IOException {
        Path file = Files.writeString(dir.resolve(name), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
