package io.rendler.mesossim;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.mesos.v1.Protos.CommandInfo;

/**
 * The Mesos fetcher, cut down: http(s) URLs are downloaded, {@code file://} URLs and absolute
 * paths are copied, relative paths resolve against the frameworks home (and fail without one,
 * as in Mesos). {@code executable} sets the x bits; {@code extract} (true by default!) unpacks
 * tar and zip archives into the sandbox; {@code output_file} renames; {@code cache} is ignored.
 */
final class Fetcher {

    private static final List<String> TAR_SUFFIXES =
            List.of(".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz");

    private final Path sandbox;
    private final Path frameworksHome;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    Fetcher(Path sandbox, Path frameworksHome) {
        this.sandbox = sandbox;
        this.frameworksHome = frameworksHome;
    }

    void fetchAll(List<CommandInfo.URI> uris) throws IOException {
        for (CommandInfo.URI uri : uris) fetch(uri);
    }

    private void fetch(CommandInfo.URI uri) throws IOException {
        String value = uri.getValue();
        String name = uri.hasOutputFile() ? uri.getOutputFile() : baseName(value);
        Path target = sandbox.resolve(name).normalize();
        if (!target.startsWith(sandbox)) throw new IOException("output_file '" + name + "' escapes the sandbox");
        Files.createDirectories(target.getParent());
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            download(value, target);
        } else {
            copyOrLink(localSource(value), target, uri.getExecutable());
        }
        if (uri.getExecutable()) {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        } else if (uri.getExtract() && isArchive(name)) {
            extract(target);
        }
    }

    /**
     * A hard link where possible, so fetching a large executor jar costs nothing; a copy when the
     * file must become executable (chmod would change the original) or links are impossible.
     */
    private static void copyOrLink(Path source, Path target, boolean executable) throws IOException {
        Files.deleteIfExists(target);
        if (!executable) {
            try {
                Files.createLink(target, source);
                return;
            } catch (IOException | UnsupportedOperationException e) {
                // another file system, or links not allowed: copy instead
            }
        }
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    }

    private Path localSource(String value) throws IOException {
        Path path;
        if (value.startsWith("file://")) {
            path = Path.of(URI.create(value));
        } else if (value.startsWith("/")) {
            path = Path.of(value);
        } else if (frameworksHome != null) {
            path = frameworksHome.resolve(value);
        } else {
            throw new IOException("A relative path was passed for the resource but the Mesos framework home was not "
                    + "specified. Please either provide this config option or avoid using a relative path");
        }
        if (!Files.isRegularFile(path)) throw new IOException("Failed to fetch '" + value + "': no such file");
        return path;
    }

    private void download(String url, Path target) throws IOException {
        try {
            HttpResponse<Path> response = http.send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build(),
                    HttpResponse.BodyHandlers.ofFile(target));
            if (response.statusCode() != 200) {
                Files.deleteIfExists(target);
                throw new IOException("Error downloading resource, received HTTP return code " + response.statusCode());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + url, e);
        }
    }

    private static boolean isArchive(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".zip") || TAR_SUFFIXES.stream().anyMatch(lower::endsWith);
    }

    private void extract(Path archive) throws IOException {
        if (archive.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
            unzip(archive);
            return;
        }
        Process tar = new ProcessBuilder("tar", "-C", sandbox.toString(), "-xf", archive.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(tar.getInputStream().readAllBytes());
        try {
            if (tar.waitFor() != 0) throw new IOException("Failed to extract " + archive.getFileName() + ": " + output.strip());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while extracting", e);
        }
    }

    private void unzip(Path archive) throws IOException {
        try (InputStream in = Files.newInputStream(archive); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                Path target = sandbox.resolve(entry.getName()).normalize();
                if (!target.startsWith(sandbox)) throw new IOException("zip entry escapes the sandbox: " + entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static String baseName(String value) {
        String path = value;
        int query = path.indexOf('?');
        if (query >= 0) path = path.substring(0, query);
        while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }
}
