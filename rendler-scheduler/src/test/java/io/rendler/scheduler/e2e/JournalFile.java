package io.rendler.scheduler.e2e;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** A crawl's rendler.journal as a test reads it: which records it holds, and which pages have their results. */
record JournalFile(List<String> lines) {

    static JournalFile read(Path runDir) throws IOException {
        try {
            return new JournalFile(Files.readString(runDir.resolve("rendler.journal"), StandardCharsets.UTF_8).lines().toList());
        } catch (NoSuchFileException e) {
            return new JournalFile(List.of());
        }
    }

    /** Complete records of type {@code e} (a line being written may be cut off; it does not count). */
    long count(String type) {
        return lines.stream().filter(line -> line.startsWith("{\"e\":\"" + type + "\"") && line.endsWith("}")).count();
    }

    /** The paths of the pages whose {@code kind} (CRAWL or RENDER) result the journal holds. */
    Set<String> pathsDone(String kind) {
        Set<String> paths = new TreeSet<>();
        for (String line : lines) {
            if (!line.startsWith("{\"e\":\"result\"")) continue;
            JsonObject result;
            try {
                result = JsonParser.parseString(line).getAsJsonObject().getAsJsonObject("result");
            } catch (RuntimeException e) {
                continue; // the cut-off last line of a killed run
            }
            if (!result.get("kind").getAsString().equals(kind)) continue;
            String url = result.getAsJsonObject(kind.toLowerCase()).get("url").getAsString();
            paths.add(java.net.URI.create(url).getPath());
        }
        return paths;
    }
}
