package io.rendler.scheduler.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Why a file operation failed, in the words mkdir or cp would use. {@link FileSystemException#getMessage()}
 * is often just the path again ("/proc/x: /proc/x"), which tells a user nothing. The caller names the file.
 */
final class IoReasons {

    private IoReasons() {}

    static String of(IOException e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileAlreadyExistsException f) return "a file named " + f.getFile() + " is in the way";
        if (e instanceof NotDirectoryException f) return f.getFile() + " is not a directory";
        if (e instanceof NoSuchFileException) return "no such file or directory";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason().toLowerCase(java.util.Locale.ROOT);
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
