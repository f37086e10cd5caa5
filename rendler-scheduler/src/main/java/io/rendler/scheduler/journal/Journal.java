package io.rendler.scheduler.journal;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rendler.common.MessageCodec;
import io.rendler.common.ResultMessage;
import io.rendler.common.TaskRequest;
import io.rendler.scheduler.core.CrawlSettings;
import io.rendler.scheduler.core.RobotsRules;
import io.rendler.scheduler.core.TaskEnd;
import io.rendler.scheduler.robots.RobotsRecords;
import io.rendler.scheduler.run.CrawlRecorder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The crawl's journal, {@value #FILE_NAME} in the output folder: one JSON object a line, the
 * header first, then every change the scheduler core went through as the coordinator applied
 * it: each task handed out, each result applied (with the pages it admitted), each task end
 * that changed its page, each host's robots.txt answer, each stop and resume, and the Mesos framework the crawl registered as.
 * {@link JournalReplay} rebuilds the crawl by feeding a new core the same calls.
 *
 * <p>Each record goes to the file with one write as it happens, so a scheduler killed with
 * SIGKILL loses only the results of tasks still in flight; a cut-off last line is what such a
 * kill can leave. The file is also forced to disk about once a second, for a machine that dies.
 * A journal that cannot be written says so once; the crawl goes on, but cannot be resumed.
 */
public final class Journal implements CrawlRecorder, AutoCloseable {

    public static final String FILE_NAME = "rendler.journal";
    /** The journal format this build writes and reads. */
    public static final int FORMAT = 1;

    static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .disableHtmlEscaping()
            .create();
    private static final long SYNC_EVERY_MILLIS = 1000;

    private final Path file;
    private final FileChannel channel;
    private final Consumer<String> warn;
    private final ScheduledExecutorService syncer;
    private volatile boolean unsynced;
    private IOException broken; // guarded by this

    private Journal(Path file, FileChannel channel, Consumer<String> warn) {
        this.file = file;
        this.channel = channel;
        this.warn = warn;
        this.syncer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "journal-sync");
            thread.setDaemon(true);
            return thread;
        });
        syncer.scheduleWithFixedDelay(this::sync, SYNC_EVERY_MILLIS, SYNC_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Starts the journal of a new crawl in {@code dir}, replacing any file of that name. */
    public static Journal create(Path dir, JournalHeader header, Consumer<String> warn) throws IOException {
        FileChannel channel = locked(dir.resolve(FILE_NAME), StandardOpenOption.CREATE);
        channel.truncate(0);
        Journal journal = new Journal(dir.resolve(FILE_NAME), channel, warn);
        journal.append(headerJson(header));
        return journal;
    }

    /** Continues the journal in {@code dir} after a replay that read its first {@code validBytes}; a torn tail is cut off. */
    static Journal reopen(Path dir, long validBytes, Consumer<String> warn) throws IOException {
        FileChannel channel = locked(dir.resolve(FILE_NAME));
        channel.truncate(validBytes);
        channel.position(validBytes);
        return new Journal(dir.resolve(FILE_NAME), channel, warn);
    }

    /**
     * Whether a rendler that is still running writes the journal in {@code dir}. Each holds a lock
     * on it for its life, which the system lets go when the process ends, however it ends.
     */
    public static boolean inUse(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) return false;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
            return lock == null;
        } catch (OverlappingFileLockException e) {
            return true; // held in this JVM
        }
    }

    private static FileChannel locked(Path file, StandardOpenOption... extra) throws IOException {
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.WRITE);
        options.addAll(List.of(extra));
        FileChannel channel = FileChannel.open(file, options);
        boolean locked = false;
        try {
            locked = channel.tryLock() != null;
        } catch (OverlappingFileLockException e) {
            // held in this JVM
        }
        if (!locked) {
            channel.close();
            throw new IOException(file + " is in use by a rendler that is still running");
        }
        return channel;
    }

    /** The settings as the header stores them, in one canonical form for comparing. */
    public static String settingsJson(CrawlSettings settings) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("start_url", settings.startUrl());
        json.put("max_pages", settings.maxPages());
        json.put("max_depth", settings.maxDepth());
        json.put("scope", settings.scope().toString());
        json.put("limits", settings.limits());
        json.put("render", settings.render());
        json.put("max_attempts", settings.maxAttempts());
        // --delay and --per-host-concurrency decide only when pages launch, which a replay does not repeat.
        json.put("obey_robots", settings.politeness().obeyRobots());
        return GSON.toJson(json);
    }

    private static String headerJson(JournalHeader header) {
        JsonObject json = new JsonObject();
        json.addProperty("rendler_journal", header.format());
        json.addProperty("rendler", header.rendler());
        json.addProperty("started", header.started().toString());
        JsonArray args = new JsonArray();
        header.args().forEach(args::add);
        json.add("args", args);
        json.addProperty("demo", header.demo());
        json.add("settings", JsonParser.parseString(header.settings()));
        return GSON.toJson(json);
    }

    public Path file() {
        return file;
    }

    @Override
    public void launched(TaskRequest task) {
        append("{\"e\":\"launch\",\"task\":" + GSON.toJson(task.taskId()) + ",\"kind\":\"" + task.kind().name()
                + "\",\"url\":" + GSON.toJson(task.url()) + "}");
    }

    @Override
    public void resultApplied(ResultMessage result, byte[] encoded, List<String> admitted) {
        // The result goes in as it arrived, without encoding it again, unless it spans lines.
        String raw = new String(encoded, StandardCharsets.UTF_8);
        if (raw.indexOf('\n') >= 0 || raw.indexOf('\r') >= 0) raw = new String(MessageCodec.encode(result), StandardCharsets.UTF_8);
        append("{\"e\":\"result\",\"admitted\":" + GSON.toJson(admitted) + ",\"result\":" + raw + "}");
    }

    @Override
    public void taskEnded(String taskId, TaskEnd end, String reason) {
        JsonObject json = record("end");
        json.addProperty("task", taskId);
        json.addProperty("end", end.name());
        json.addProperty("reason", reason);
        append(GSON.toJson(json));
    }

    @Override
    public void stopped(String reason) {
        JsonObject json = record("stop");
        json.addProperty("reason", reason);
        append(GSON.toJson(json));
    }

    @Override
    public void robotsKnown(String origin, RobotsRules rules) {
        JsonObject json = record("robots");
        json.addProperty("origin", origin);
        json.add("rules", RobotsRecords.toJson(rules));
        append(GSON.toJson(json));
    }

    /** The crawl was resumed; {@code adoptRunning} as given to {@code CrawlScheduler.resume}. */
    public void resumed(boolean adoptRunning, String rendler) {
        JsonObject json = record("resume");
        json.addProperty("adopt_running", adoptRunning);
        json.addProperty("rendler", rendler);
        json.addProperty("at", Instant.now().toString());
        append(GSON.toJson(json));
    }

    /** The crawl registered as this Mesos framework. */
    public void registered(MesosRegistration registration) {
        JsonObject json = record("mesos");
        json.addProperty("framework_id", registration.frameworkId());
        json.addProperty("file_server_port", registration.fileServerPort());
        json.addProperty("upload_token", registration.uploadToken());
        append(GSON.toJson(json));
    }

    private static JsonObject record(String type) {
        JsonObject json = new JsonObject();
        json.addProperty("e", type);
        return json;
    }

    private synchronized void append(String line) {
        if (broken != null) return;
        ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) channel.write(bytes);
            unsynced = true;
        } catch (IOException e) {
            broken = e;
            warn.accept("cannot write the journal " + file + " (" + e.getMessage() + "); the crawl goes on, but cannot be resumed");
        }
    }

    private void sync() {
        if (!unsynced) return;
        unsynced = false;
        try {
            channel.force(false);
        } catch (IOException e) {
            // A failed write says so; a failed sync only weakens the guarantee for a machine crash.
        }
    }

    @Override
    public void close() {
        syncer.shutdownNow();
        sync();
        try {
            channel.close();
        } catch (IOException e) {
            warn.accept("closing the journal " + file + ": " + e.getMessage());
        }
    }

    static JsonElement parse(String line) {
        return JsonParser.parseString(line);
    }
}
