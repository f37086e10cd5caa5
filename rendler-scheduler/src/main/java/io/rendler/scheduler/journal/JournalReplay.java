package io.rendler.scheduler.journal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import io.rendler.common.MessageCodec;
import io.rendler.common.ResultMessage;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import io.rendler.scheduler.core.CrawlScheduler;
import io.rendler.scheduler.core.CrawlSettings;
import io.rendler.scheduler.core.Delivery;
import io.rendler.scheduler.core.TaskEnd;
import io.rendler.scheduler.robots.RobotsRecords;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Rebuilds a crawl from its journal: a new core fed the journal's calls in order. Each record is
 * checked against what the core does with it (the same task ids, the same pages admitted), so a
 * journal that this build would not have written the same way is refused rather than resumed
 * into a different crawl.
 *
 * <p>A last line that is cut off or unreadable is what a kill (or a machine crash) in the middle
 * of a write leaves: it is dropped with a note, and the journal continues after the line before.
 * Anything unreadable before the last line is corruption, and an error.
 */
public final class JournalReplay {

    /** A replayed crawl, ready to continue. */
    public record Replayed(JournalHeader header, CrawlScheduler core, Optional<MesosRegistration> mesos,
            List<String> notes, long validBytes, int records, Path dir) {

        /** Opens the journal for appending after the last record read. */
        public Journal reopen(Consumer<String> warn) throws IOException {
            return Journal.reopen(dir, validBytes, warn);
        }
    }

    private JournalReplay() {}

    /** Whether {@code dir} holds a journal. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(Journal.FILE_NAME));
    }

    /** Reads the journal's first line. */
    public static JournalHeader readHeader(Path dir) throws JournalException {
        try (Lines lines = Lines.open(dir)) {
            Optional<String> first = lines.next();
            if (first.isEmpty() || !lines.lastWasComplete()) {
                throw new JournalException(lines.file + " has no complete first line (the crawl was stopped as it began);"
                        + " start afresh with --force");
            }
            return header(lines.file, first.get());
        } catch (IOException e) {
            throw new JournalException("cannot read " + dir.resolve(Journal.FILE_NAME) + ": " + e.getMessage());
        }
    }

    /** Feeds a new core with {@code settings} every record of the journal in {@code dir}. */
    public static Replayed replay(Path dir, CrawlSettings settings) throws JournalException {
        CrawlScheduler core = new CrawlScheduler(settings);
        List<String> notes = new ArrayList<>();
        Optional<MesosRegistration> mesos = Optional.empty();
        int records = 0;
        try (Lines lines = Lines.open(dir)) {
            JournalHeader header = header(lines.file, lines.next().orElseThrow(() -> new JournalException(lines.file + " is empty")));
            long valid = lines.offset;
            Optional<String> line;
            while ((line = lines.next()).isPresent()) {
                JsonObject record;
                try {
                    JsonElement parsed = Journal.parse(line.get());
                    if (!parsed.isJsonObject()) throw new JsonParseException("not a JSON object");
                    record = parsed.getAsJsonObject();
                } catch (JsonParseException e) {
                    if (lines.atEnd()) {
                        notes.add("dropped the cut-off last record of " + lines.file.getFileName()
                                + " (written as the crawl was killed); its task runs again");
                        break;
                    }
                    throw new JournalException(lines.file + " is corrupt at line " + lines.number + " (not JSON); start afresh with --force");
                }
                if (!lines.lastWasComplete()) {
                    notes.add("dropped the cut-off last record of " + lines.file.getFileName()
                            + " (written as the crawl was killed); its task runs again");
                    break;
                }
                try {
                    Optional<MesosRegistration> registered = apply(core, record);
                    if (registered.isPresent()) mesos = registered;
                } catch (RuntimeException e) {
                    throw new JournalException(lines.file + " does not replay at line " + lines.number + " (written by rendler "
                            + header.rendler() + "): " + e.getMessage() + "; start afresh with --force");
                }
                records++;
                valid = lines.offset;
            }
            core.drainEvents(); // what happened before is not news to the person watching this run
            return new Replayed(header, core, mesos, notes, valid, records, dir);
        } catch (IOException e) {
            throw new JournalException("cannot read " + dir.resolve(Journal.FILE_NAME) + ": " + e.getMessage());
        }
    }

    private static Optional<MesosRegistration> apply(CrawlScheduler core, JsonObject record) {
        String type = text(record, "e");
        switch (type) {
            case "launch" -> {
                TaskKind kind = TaskKind.valueOf(text(record, "kind"));
                String expected = text(record, "task");
                // Which queued page launched when hung on time (hosts' delays, Retry-After): the
                // record names it, and the core checks that it could have launched it.
                String launched = core.relaunch(kind, expected).taskId();
                if (!launched.equals(expected)) throw new IllegalStateException("the journal launched " + expected + ", this rendler " + launched);
            }
            case "result" -> {
                ResultMessage result = MessageCodec.decodeResult(
                        Journal.GSON.toJson(record.get("result")).getBytes(StandardCharsets.UTF_8));
                int before = core.pageCount();
                Delivery delivery = core.onResult(result);
                if (delivery.verdict() != Delivery.Verdict.APPLIED) {
                    throw new IllegalStateException("the result of " + result.taskId() + " was not taken ("
                            + delivery.verdict() + (delivery.reason() == null ? "" : ": " + delivery.reason()) + ")");
                }
                List<String> admitted = new ArrayList<>();
                for (JsonElement url : record.getAsJsonArray("admitted")) admitted.add(url.getAsString());
                if (!admitted.equals(core.admittedSince(before))) {
                    throw new IllegalStateException("the result of " + result.taskId() + " admitted other pages than the journal says");
                }
            }
            case "end" -> core.onTaskEnded(text(record, "task"), TaskEnd.valueOf(text(record, "end")),
                    record.get("reason").isJsonNull() ? null : record.get("reason").getAsString());
            case "robots" -> {
                if (!core.onRobots(text(record, "origin"), RobotsRecords.fromJson(record.getAsJsonObject("rules")))) {
                    throw new IllegalStateException("robots.txt of " + text(record, "origin") + " for a host not waiting for it");
                }
            }
            case "stop" -> core.stop(text(record, "reason"));
            case "resume" -> core.resume(record.get("adopt_running").getAsBoolean());
            case "mesos" -> {
                return Optional.of(new MesosRegistration(text(record, "framework_id"),
                        record.get("file_server_port").getAsInt(), text(record, "upload_token")));
            }
            default -> throw new IllegalStateException("unknown record '" + type + "', from a newer rendler?");
        }
        return Optional.empty();
    }

    private static JournalHeader header(Path file, String line) throws JournalException {
        try {
            JsonObject json = Journal.parse(line).getAsJsonObject();
            if (!json.has("rendler_journal")) throw new JournalException(file + " is not a rendler journal");
            int format = json.get("rendler_journal").getAsInt();
            if (format != Journal.FORMAT) {
                throw new JournalException(file + " is in journal format " + format + ", written by rendler "
                        + (json.has("rendler") ? json.get("rendler").getAsString() : "unknown") + "; this rendler reads format "
                        + Journal.FORMAT + " only");
            }
            List<String> args = new ArrayList<>();
            JsonArray given = json.getAsJsonArray("args");
            for (JsonElement arg : given) args.add(arg.getAsString());
            return new JournalHeader(format, text(json, "rendler"), Instant.parse(text(json, "started")), args,
                    json.get("demo").getAsBoolean(), Journal.GSON.toJson(json.get("settings")));
        } catch (RuntimeException e) {
            throw new JournalException(file + " has an unreadable header (" + e.getMessage() + "); start afresh with --force");
        }
    }

    private static String text(JsonObject json, String field) {
        JsonElement value = json.get(field);
        if (value == null || value.isJsonNull()) throw new IllegalStateException("a '" + json.get("e") + "' record without " + field);
        return value.getAsString();
    }

    /** The journal's lines with their byte offsets, so that a cut-off tail can be cut away. */
    private static final class Lines implements AutoCloseable {
        final Path file;
        private final InputStream in;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        long offset;
        int number;
        private boolean complete;
        private int peeked = -2;

        private Lines(Path file, InputStream in) {
            this.file = file;
            this.in = in;
        }

        static Lines open(Path dir) throws IOException, JournalException {
            Path file = dir.resolve(Journal.FILE_NAME);
            try {
                return new Lines(file, new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            } catch (NoSuchFileException e) {
                throw new JournalException(dir + " holds no crawl to resume (no " + Journal.FILE_NAME + ")");
            }
        }

        /** The next line without its newline; empty at the end. */
        Optional<String> next() throws IOException {
            line.reset();
            int b;
            while ((b = read()) != -1 && b != '\n') line.write(b);
            if (b == -1 && line.size() == 0) return Optional.empty();
            complete = b == '\n';
            offset += line.size() + (complete ? 1 : 0);
            number++;
            return Optional.of(line.toString(StandardCharsets.UTF_8));
        }

        boolean lastWasComplete() {
            return complete;
        }

        /** Whether the line just read was the last. */
        boolean atEnd() throws IOException {
            if (peeked == -2) peeked = in.read();
            return peeked == -1;
        }

        private int read() throws IOException {
            if (peeked != -2) {
                int b = peeked;
                peeked = -2;
                return b;
            }
            return in.read();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
