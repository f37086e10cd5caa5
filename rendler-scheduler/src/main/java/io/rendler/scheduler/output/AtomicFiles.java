package io.rendler.scheduler.output;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see the old file or the complete new one, never a half: the bytes
 * go to a hidden temporary file beside the target, which is then renamed over it. An interrupted
 * run can leave a {@code .name.*.tmp} file behind, but never a truncated {@code name}.
 */
final class AtomicFiles {

    private static final int BUFFER_CHARS = 1 << 16;

    /** Produces a file's text into a Writer that is already buffered and that it must not close. */
    @FunctionalInterface
    interface TextContent {
        void writeTo(Writer out) throws IOException;
    }

    private AtomicFiles() {}

    /** Writes {@code target} as UTF-8 text produced by {@code content}. */
    static void writeText(Path target, TextContent content) throws IOException {
        // Not Files.createTempFile: that makes the file owner-only, and the report is for sharing.
        Path temp = target.resolveSibling("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (Writer out = new BufferedWriter(new OutputStreamWriter(
                    Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    StandardCharsets.UTF_8), BUFFER_CHARS)) {
                content.writeTo(out);
            }
            moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Renames {@code source} over {@code target}, atomically where the file system can. */
    static void moveIntoPlace(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
