package io.rendler.mesossim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The recorded fake_executor.py writes its own transcripts of every call it makes to the agent.
 * Run under the simulator, it writes them again, so the two sets can be compared file by file:
 * the agent side of the conformance check, seen from inside a real executor.
 */
final class ExecutorTranscripts {

    private ExecutorTranscripts() {}

    /** Where the shim made the executor write: {@code <sandbox>/wire}. */
    static Path wireDir(StartedExecutor executor) {
        return executor.sandbox().resolve("wire");
    }

    /** {@code <sandbox>/wire/executor/<executor id>-<pid>}, the executor's transcript folder. */
    static Path transcriptDir(StartedExecutor executor) {
        try (Stream<Path> dirs = Files.list(wireDir(executor).resolve("executor"))) {
            return dirs.filter(d -> d.getFileName().toString().startsWith(executor.executorId() + "-"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no transcripts from " + executor.executorId()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every call the executor made has the answer the real agent gave: same status line, header
     * names in order, Content-Type and body (after our ids are swapped back).
     */
    static void assertCallsConform(String recordedDir, StartedExecutor executor, Substitutions back) {
        Path ours = transcriptDir(executor);
        List<String> stems = new ArrayList<>();
        try (Stream<Path> files = Files.list(WireFixtures.path(recordedDir))) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".response") && !n.startsWith("00-"))
                    .map(n -> n.substring(0, n.length() - ".response".length()))
                    .sorted()
                    .forEach(stems::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(!stems.isEmpty());
        for (String stem : stems) {
            Path ourResponse = ours.resolve(stem + ".response");
            assertTrue(Files.exists(ourResponse), "the executor made call " + stem);
            RawClient.Response recorded = RawClient.Response.parse(WireFixtures.bytes(recordedDir + "/" + stem + ".response"));
            RawClient.Response mine = RawClient.Response.parse(read(ourResponse));
            assertEquals(recorded.statusLine(), mine.statusLine(), stem);
            assertEquals(recorded.headerNames(), mine.headerNames(), stem + " header order");
            assertEquals(recorded.header("Content-Type"), mine.header("Content-Type"), stem);
            assertEquals(recorded.bodyText(), back.apply(mine.bodyText()), stem);
        }
    }

    /** The executor's SUBSCRIBE stream: same head, same events once normalized. */
    static void assertStreamConforms(String recordedDir, StartedExecutor executor, WireEncoding encoding,
                                     java.util.function.Function<String, String> normalizeOurs) {
        Path ours = transcriptDir(executor);
        RawClient.Response recordedHead = RawClient.Response.parseHead(WireFixtures.bytes(recordedDir + "/00-subscribe-stream.response"));
        RawClient.Response ourHead = RawClient.Response.parseHead(read(ours.resolve("00-subscribe-stream.response")));
        assertEquals(recordedHead.statusLine(), ourHead.statusLine());
        assertEquals(recordedHead.headerNames(), ourHead.headerNames(), "executor stream header order (no Mesos-Stream-Id)");
        assertEquals(recordedHead.header("Content-Type"), ourHead.header("Content-Type"));
        List<String> expected = WireFixtures.bodyRecords(recordedDir + "/00-subscribe-stream.body").stream()
                .map(r -> ReplaySession.normalizeRecorded(asJson(r, encoding)))
                .toList();
        List<String> actual = WireFixtures.records(read(ours.resolve("00-subscribe-stream.body"))).stream()
                .map(r -> normalizeOurs.apply(asJson(r, encoding)))
                .toList();
        assertEquals(expected, actual);
    }

    private static String asJson(byte[] record, WireEncoding encoding) {
        if (encoding == WireEncoding.JSON) return new String(record, StandardCharsets.UTF_8);
        return MesosJsonWriter.writeString(Events.executor(record, WireEncoding.PROTOBUF));
    }

    /** The environment the executor dumped: {@code executor-env-<pid>.txt}, without its comment line. */
    static Map<String, String> environment(Path dump) {
        Map<String, String> env = new TreeMap<>();
        for (String line : new String(read(dump), StandardCharsets.UTF_8).split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            int equals = line.indexOf('=');
            env.put(line.substring(0, equals), line.substring(equals + 1));
        }
        return env;
    }

    static Path environmentDump(StartedExecutor executor) {
        return wireDir(executor).resolve("executor-env-" + transcriptDir(executor).getFileName().toString()
                .substring(executor.executorId().length() + 1) + ".txt");
    }

    static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
