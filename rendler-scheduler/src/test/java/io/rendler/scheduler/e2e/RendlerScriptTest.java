package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code rendler} script a newcomer runs first, in a checkout with no jars yet. */
class RendlerScriptTest {

    @Test
    void aFailedFirstBuildIsReportedWithoutMavensColourCodes(@TempDir Path dir) throws Exception {
        Path checkout = Files.createDirectories(dir.resolve("checkout"));
        Path script = checkout.resolve("rendler");
        Files.copy(Path.of("..", "rendler"), script);
        executable(script);
        // Maven 3.8 in batch mode still writes colour resets; this one fails as a broken build would.
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\nprintf '\\033[0m\\033[0m[ERROR] COMPILATION ERROR : Foo.java\\033[0m\\n'\nexit 1\n");
        executable(mvn);

        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), "demo").redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));

        assertEquals(1, process.exitValue(), output);
        assertTrue(output.contains("[ERROR] COMPILATION ERROR : Foo.java"), output);
        assertTrue(output.contains("rendler: the build failed"), output);
        assertFalse(output.contains("\u001b"), "colour codes in: " + output.replace("\u001b", "ESC"));
    }

    private static void executable(Path file) throws Exception {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
