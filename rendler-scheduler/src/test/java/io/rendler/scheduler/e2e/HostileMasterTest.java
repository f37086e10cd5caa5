package io.rendler.scheduler.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rendler.mesos.ExecutorCalls;
import io.rendler.mesos.MesosIds;
import io.rendler.mesos.MesosJson;
import io.rendler.mesos.RecordIO;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real {@code rendler --master} process against a server on the master's address that is not
 * a master we can work with: a web page where the event stream should be, a redirect to nowhere,
 * a stream with an update that cannot be acknowledged. Each run must end with exit 4 and one line
 * saying why, and still write every output.
 */
class HostileMasterTest {

    /** Nothing listens here: the start page is never fetched, because no task is ever launched. */
    private static final String START_URL = "http://127.0.0.1:9/";

    private HttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) server.stop(0);
    }

    /** What the fake master does with SUBSCRIBE; every other call gets 202. */
    private interface SubscribeAnswer {
        void answer(HttpExchange exchange) throws IOException;
    }

    private String serve(SubscribeAnswer subscribe) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/scheduler", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
            if (body.contains("\"SUBSCRIBE\"")) {
                subscribe.answer(exchange);
            } else {
                exchange.sendResponseHeaders(202, -1);
                exchange.close();
            }
        });
        server.start();
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void aLoginPageWhereTheEventStreamShouldBe(@TempDir Path out) throws Exception {
        String master = serve(exchange -> {
            byte[] page = "<!DOCTYPE html><html><body><form action=/login>Sign in</form></body></html>".getBytes(UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        Rendler.Run run = rendler(out, master);
        assertFailedInOneLine(run, out, "rendler: cannot use the Mesos master at " + master + ": SUBSCRIBE to http://" + master
                + "/api/v1/scheduler was answered 200 with text/html; charset=utf-8, not a Mesos event stream;"
                + " is that address a Mesos master, and not a proxy or another service?");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ftp://127.0.0.1:21/api/v1/scheduler | which is not an http(s) address",
            "http://[::1                         | which is not a URI"})
    void aRedirectToALocationThatCannotBeFollowed(String location, String why, @TempDir Path out) throws Exception {
        String master = serve(exchange -> {
            exchange.getResponseHeaders().set("Location", location);
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        Rendler.Run run = rendler(out, master);
        assertFailedInOneLine(run, out, "rendler: cannot use the Mesos master at " + master + ": 307 from http://" + master
                + "/api/v1/scheduler to '" + location + "', " + why);
    }

    @Test
    void anUpdateThatCannotBeAcknowledged(@TempDir Path out) throws Exception {
        String master = serve(exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("Mesos-Stream-Id", "7c4f0d51-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream stream = exchange.getResponseBody();
            for (Event event : List.of(subscribed(), Event.newBuilder().setType(Event.Type.HEARTBEAT).build(), updateWithoutAgent())) {
                stream.write(RecordIO.frame(MesosJson.toJson(event)));
                stream.flush();
            }
            // The stream stays open: it is rendler that must walk away.
        });
        Rendler.Run run = rendler(out, master);
        String reason = "Mesos sent an UPDATE for task crawl-0-1 with a uuid but no agent_id, which cannot be acknowledged";
        assertEquals(4, run.exitCode(), run.output());
        assertOutputsWritten(out);
        List<String> mentions = run.stderr().lines().filter(line -> line.contains(reason)).toList();
        assertEquals(1, mentions.size(), run.output());
        assertTrue(mentions.get(0).matches("rendler: (gave up on|cannot use) the Mesos master at " + master + ": .*"), run.output());
        assertNoStackTrace(run);
    }

    @Test
    void aMasterThatRefusesConnectionsIsReportedAtOnceNotAfterTheSubscribeTimeout(@TempDir Path out) throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        String master = "127.0.0.1:" + closed;
        Rendler.Run run = rendler(out, master);
        assertFailedInOneLine(run, out, "rendler: cannot use the Mesos master at " + master + ": cannot reach http://" + master
                + "/api/v1/scheduler: connection refused");
        // Before, a refused master was retried until the 20 s subscribe timeout; now a few quick tries.
        assertTrue(run.millis() < 15_000, "took " + run.millis() + " ms");
    }

    private static Event subscribed() {
        return Event.newBuilder().setType(Event.Type.SUBSCRIBED)
                .setSubscribed(Event.Subscribed.newBuilder().setFrameworkId(MesosIds.frameworkId("hostile-0001")).setHeartbeatIntervalSeconds(15))
                .build();
    }

    private static Event updateWithoutAgent() {
        TaskStatus status = TaskStatus.newBuilder().setTaskId(MesosIds.taskId("crawl-0-1")).setState(TaskState.TASK_RUNNING)
                .setUuid(ExecutorCalls.uuidBytes(UUID.randomUUID())).build();
        return Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder().setStatus(status)).build();
    }

    private static Rendler.Run rendler(Path out, String master) throws Exception {
        // The file server needs jars to offer; no agent ever asks for them here.
        Path jars = Files.createDirectories(out.resolve("jars"));
        Files.write(jars.resolve("crawl-executor.jar"), new byte[] {'P', 'K'});
        Files.write(jars.resolve("render-executor.jar"), new byte[] {'P', 'K'});
        // This fake master speaks JSON, the wire a person can read.
        return Rendler.run("--master", master, "--mesos-encoding", "json", "--advertise-host", "127.0.0.1",
                "--executor-jars", jars.toString(),
                "--output", out.resolve("run").toString(), "--no-render", START_URL);
    }

    private static void assertFailedInOneLine(Rendler.Run run, Path out, String errorLine) throws IOException {
        assertEquals(4, run.exitCode(), run.output());
        assertTrue(run.stderr().lines().anyMatch(errorLine::equals), "expected the line\n" + errorLine + "\nin\n" + run.output());
        assertOutputsWritten(out);
        assertNoStackTrace(run);
    }

    private static void assertOutputsWritten(Path out) throws IOException {
        for (String file : List.of("rendler.dot", "report.html", "pages.json")) {
            assertTrue(Files.isRegularFile(out.resolve("run").resolve(file)), file + " is written");
        }
        assertTrue(Files.readString(out.resolve("run/rendler.dot"), UTF_8).contains(START_URL), "the start page is in the graph");
    }

    private static void assertNoStackTrace(Rendler.Run run) {
        assertFalse(run.stderr().contains("\tat "), run.output());
        assertFalse(run.stderr().contains("FATAL"), run.output());
    }
}
