package io.rendler.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaywrightDriverCacheTest {

    @TempDir
    Path root;

    private final AtomicInteger unpacks = new AtomicInteger();

    /** Writes what a real driver directory holds that the cache checks for. */
    private void fakeDriver(Path dir) throws IOException {
        unpacks.incrementAndGet();
        Path node = Files.writeString(dir.resolve("node"), "#!/bin/sh\n");
        assertTrue(node.toFile().setExecutable(true));
        Files.createDirectories(dir.resolve("package"));
        Files.writeString(dir.resolve("package").resolve("cli.js"), "// cli\n");
    }

    @Test
    void unpacksOnceAndReusesTheDirectoryAfterwards() throws IOException {
        Path first = PlaywrightDriverCache.prepare(root, "1.2.3", this::fakeDriver);
        Path second = PlaywrightDriverCache.prepare(root, "1.2.3", this::fakeDriver);

        assertEquals(first, second);
        assertEquals(1, unpacks.get());
        assertTrue(first.getFileName().toString().startsWith("playwright-driver-1.2.3-"), first.toString());
        assertTrue(Files.isExecutable(first.resolve("node")));
        assertEquals(List.of(first), listing(), "no partial directories are left behind");
    }

    @Test
    void aNewDriverVersionGetsItsOwnDirectory() throws IOException {
        Path old = PlaywrightDriverCache.prepare(root, "1.2.3", this::fakeDriver);
        Path fresh = PlaywrightDriverCache.prepare(root, "1.3.0", this::fakeDriver);

        assertTrue(!old.equals(fresh));
        assertEquals(2, unpacks.get());
    }

    @Test
    void aFailedUnpackLeavesNothingBehindAndSaysSo() throws IOException {
        IOException e = assertThrows(IOException.class, () -> PlaywrightDriverCache.prepare(root, "1.2.3", dir -> {
            Files.writeString(dir.resolve("node"), "half");
            throw new IOException("disk full");
        }));

        assertEquals("disk full", e.getMessage());
        assertEquals(List.of(), listing());
    }

    @Test
    void aDirectoryThatLostItsFilesIsUnpackedAgain() throws IOException {
        Path driver = PlaywrightDriverCache.prepare(root, "1.2.3", this::fakeDriver);
        Files.delete(driver.resolve("package").resolve("cli.js"));

        assertEquals(driver, PlaywrightDriverCache.prepare(root, "1.2.3", this::fakeDriver));
        assertEquals(2, unpacks.get());
        assertTrue(Files.isRegularFile(driver.resolve("package").resolve("cli.js")));
    }

    @Test
    void runsUnpackingAtTheSameTimeAllEndUpWithOneCompleteDriver() throws Exception {
        int runs = 4;
        CountDownLatch allUnpacked = new CountDownLatch(runs);
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                results.add(pool.submit(() -> PlaywrightDriverCache.prepare(root, "1.2.3", dir -> {
                    fakeDriver(dir);
                    // Every run has its copy ready before any of them renames it into place.
                    allUnpacked.countDown();
                    try {
                        allUnpacked.await();
                    } catch (InterruptedException e) {
                        throw new InterruptedIOException();
                    }
                })));
            }
            List<Path> dirs = new ArrayList<>();
            for (Future<Path> result : results) dirs.add(result.get());

            assertEquals(runs, unpacks.get());
            assertEquals(1, dirs.stream().distinct().count(), dirs.toString());
            assertEquals(List.of(dirs.get(0)), listing());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theCacheLivesUnderXdgCacheHomeOrElseHome() {
        assertEquals(Optional.of(Path.of("/x/cache/rendler")),
                PlaywrightDriverCache.cacheRoot(Map.of("XDG_CACHE_HOME", "/x/cache", "HOME", "/home/ann")));
        assertEquals(Optional.of(Path.of("/home/ann/.cache/rendler")),
                PlaywrightDriverCache.cacheRoot(Map.of("XDG_CACHE_HOME", "relative", "HOME", "/home/ann")));
        assertEquals(Optional.empty(), PlaywrightDriverCache.cacheRoot(Map.of()));
    }

    @Test
    void withoutHomeTheCacheIsAPrivateDirectoryInTmp(@TempDir Path tmp) throws IOException {
        String me = System.getProperty("user.name");
        Path root = PlaywrightDriverCache.privateTempRoot(tmp, me).orElseThrow();
        assertEquals(tmp.resolve("rendler-cache-" + me), root);
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(root));
        assertEquals(Optional.of(root), PlaywrightDriverCache.privateTempRoot(tmp, me), "found again by the next executor");
    }

    @Test
    void aTmpCacheThatOthersCanWriteIsNotUsed(@TempDir Path tmp) throws IOException {
        String me = System.getProperty("user.name");
        Files.createDirectory(tmp.resolve("rendler-cache-" + me),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(tmp.resolve("rendler-cache-" + me), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(Optional.empty(), PlaywrightDriverCache.privateTempRoot(tmp, me));
    }

    @Test
    void readsTheVersionOfTheDriverOnTheClassPath() throws IOException {
        assertTrue(PlaywrightDriverCache.bundledVersion().matches("\\d+\\.\\d+\\.\\d+.*"), PlaywrightDriverCache.bundledVersion());
    }

    private List<Path> listing() throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            return entries.toList();
        }
    }
}
