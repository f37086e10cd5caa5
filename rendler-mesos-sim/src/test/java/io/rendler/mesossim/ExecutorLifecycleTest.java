package io.rendler.mesossim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's side: fetching, process exits, registration timeout, and the executor API paths. */
class ExecutorLifecycleTest {

    @TempDir
    Path temp;

    @Test
    void uris_are_fetched_into_the_sandbox_and_the_exit_code_becomes_the_raw_status() throws Exception {
        Path files = Files.createDirectories(temp.resolve("files"));
        Files.writeString(files.resolve("data.txt"), "local file");
        Files.writeString(files.resolve("tool.sh"), "#!/bin/sh\necho tool-ran\n");
        Files.createDirectories(files.resolve("inner"));
        Files.writeString(files.resolve("inner/file.txt"), "archived");
        tar(files, "bundle.tar.gz", "inner");
        tar(files, "keep.tar.gz", "inner");
        HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/", exchange -> {
            Path file = files.resolve(exchange.getRequestURI().getPath().substring(1));
            byte[] body = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
            exchange.sendResponseHeaders(Files.exists(file) ? 200 : 404, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        web.start();
        String base = "http://127.0.0.1:" + web.getAddress().getPort() + "/";
        try (MesosSimulator sim = MesosSimulator.builder().allocationInterval(Duration.ofMillis(100)).start();
             TestScheduler scheduler = TestScheduler.subscribe(sim, TestScheduler.framework("fetch", 0))) {
            String checks = "test -x tool.sh && ./tool.sh && test -f data.txt && test -f renamed.txt"
                    + " && test -f inner/file.txt && test -f keep.tar.gz && echo fetched-ok && exit 7; exit 9";
            TaskInfo task = scheduler.shellTask("fetch-1", "fetch-exec", checks,
                    uri(base + "tool.sh").setExecutable(true).build(),
                    uri(files.resolve("data.txt").toString()).build(),
                    uri("file://" + files.resolve("data.txt")).setOutputFile("renamed.txt").build(),
                    uri(base + "bundle.tar.gz").build(),
                    uri(base + "keep.tar.gz").setExtract(false).build());
            scheduler.launch(scheduler.awaitOffer(0), task);
            int failure = scheduler.await(Events.failure(7 << 8), 0, "FAILURE 1792 (exit 7)");
            TaskStatus failed = scheduler.awaitUpdate("fetch-1", TaskState.TASK_FAILED, failure);
            assertEquals(TaskStatus.Reason.REASON_EXECUTOR_TERMINATED, failed.getReason());
            scheduler.acknowledge(failed);
            StartedExecutor executor = sim.startedExecutors().get(0);
            assertEquals("tool-ran\nfetched-ok\n", Files.readString(executor.stdout()));
            assertTrue(Files.exists(executor.stderr()));
            assertTrue(executor.sandbox().startsWith(sim.workDir().resolve("slaves").resolve(sim.agentId())));

            scheduler.launch(scheduler.awaitOffer(failure), scheduler.shellTask("fetch-2", "fetch-exec-2", "exit 0",
                    uri(base + "missing.sh").build()));
            TaskStatus launchFailed = scheduler.awaitUpdate("fetch-2", TaskState.TASK_FAILED, 0);
            assertEquals(TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED, launchFailed.getReason());
            assertTrue(launchFailed.getMessage().startsWith("Failed to launch container: Failed to fetch all URIs"),
                    launchFailed.getMessage());
        } finally {
            web.stop(0);
        }
    }

    private static CommandInfo.URI.Builder uri(String value) {
        return CommandInfo.URI.newBuilder().setValue(value);
    }

    private static void tar(Path dir, String name, String content) throws Exception {
        Process tar = new ProcessBuilder("tar", "-czf", name, content).directory(dir.toFile()).inheritIO().start();
        assertEquals(0, tar.waitFor());
    }

    @Test
    void an_executor_that_never_subscribes_is_destroyed_after_the_registration_timeout() {
        try (MesosSimulator sim = MesosSimulator.builder().executorRegistrationTimeout(Duration.ofMillis(300)).start();
             TestScheduler scheduler = TestScheduler.subscribe(sim, TestScheduler.framework("mute", 0))) {
            scheduler.launch(scheduler.awaitOffer(0), scheduler.shellTask("mute-1", "mute-exec", "sleep 30"));
            int failure = scheduler.await(Events.failure(9), 0, "FAILURE after the registration timeout");
            TaskStatus failed = scheduler.awaitUpdate("mute-1", TaskState.TASK_FAILED, failure);
            assertEquals(TaskStatus.Reason.REASON_EXECUTOR_REGISTRATION_TIMEOUT, failed.getReason());
        }
    }

    /**
     * The test plays the executor over HTTP for a "sleep" process: 403 before SUBSCRIBE, the
     * stream without Mesos-Stream-Id, LAUNCH after SUBSCRIBED, updates retried until acknowledged,
     * resubscription with unacknowledged updates, ACKNOWLEDGED, KILL and MESSAGE both ways.
     */
    @Test
    void the_executor_api_from_the_executors_side() {
        try (MesosSimulator sim = MesosSimulator.builder().statusUpdateRetryInterval(Duration.ofMillis(300)).start();
             TestScheduler scheduler = TestScheduler.subscribe(sim, TestScheduler.framework("puppet", 0))) {
            scheduler.launch(scheduler.awaitOffer(0), scheduler.shellTask("raw-1", "raw-exec", "sleep 30"));
            sim.await(TestScheduler.WAIT, "the process", () -> !sim.startedExecutors().isEmpty());
            ExecutorSide executor = new ExecutorSide(sim, scheduler.frameworkId, "raw-exec");

            TaskStatus running = executor.status("raw-1", TaskState.TASK_RUNNING);
            RawClient.Response early = executor.call(executor.update(running));
            assertEquals(403, early.status());
            assertEquals("Executor is not subscribed", early.bodyText());
            assertEquals(202, executor.call(executor.call(Call.Type.HEARTBEAT)).status());

            RawClient.EventStreamReader stream = executor.subscribe(List.of(), List.of());
            assertEquals(List.of("Date", "Transfer-Encoding", "Content-Type"), stream.headerNames());
            stream.await(r -> executorEvent(r).getType() == org.apache.mesos.v1.executor.Protos.Event.Type.LAUNCH,
                    1, TestScheduler.WAIT, "LAUNCH after SUBSCRIBED");
            assertEquals(202, executor.call(executor.update(running)).status());
            TaskStatus delivered = scheduler.awaitUpdate("raw-1", TaskState.TASK_RUNNING, 0);
            assertEquals(running.getUuid(), delivered.getUuid());
            assertEquals(sim.agentId(), delivered.getAgentId().getValue());
            assertEquals(sim.startedExecutors().get(0).pid(), delivered.getContainerStatus().getExecutorPid());
            assertFalse(delivered.hasExecutorId(), "the agent does not add executor_id (README surprise 7)");

            // Not acknowledged: the agent resends the same update.
            int first = scheduler.await(Events.update("raw-1", TaskState.TASK_RUNNING), 0, "first delivery");
            scheduler.await(Events.update("raw-1", TaskState.TASK_RUNNING), first + 1, "the retry");

            // The executor reconnects holding its unacknowledged update; it is not queued twice.
            stream.close();
            RawClient.EventStreamReader again = executor.subscribe(List.of(running), List.of(sim.launchedTasks().get(0)));
            assertEquals("HTTP/1.1 200 OK", again.statusLine);
            scheduler.acknowledge(delivered);
            again.await(r -> executorEvent(r).getType() == org.apache.mesos.v1.executor.Protos.Event.Type.ACKNOWLEDGED,
                    0, TestScheduler.WAIT, "ACKNOWLEDGED");
            assertTrue(again.records().stream().noneMatch(
                    r -> executorEvent(r).getType() == org.apache.mesos.v1.executor.Protos.Event.Type.LAUNCH),
                    "a delivered task is not launched again");
            assertEquals(0, sim.ignoredAcknowledgements());

            assertEquals(202, executor.call(executor.call(Call.Type.MESSAGE)
                    .setMessage(Call.Message.newBuilder().setData(ByteString.copyFromUtf8("from-executor")))).status());
            Event message = scheduler.event(scheduler.await(Events.message("from-executor"), 0, "executor MESSAGE"));
            assertEquals("raw-exec", message.getMessage().getExecutorId().getValue());
            assertEquals(sim.agentId(), message.getMessage().getAgentId().getValue());

            scheduler.accepted(org.apache.mesos.v1.scheduler.Protos.Call.newBuilder()
                    .setType(org.apache.mesos.v1.scheduler.Protos.Call.Type.KILL)
                    .setKill(org.apache.mesos.v1.scheduler.Protos.Call.Kill.newBuilder().setTaskId(running.getTaskId())));
            int kill = again.await(r -> executorEvent(r).getType() == org.apache.mesos.v1.executor.Protos.Event.Type.KILL,
                    0, TestScheduler.WAIT, "KILL");
            assertEquals("raw-1", executorEvent(again.records().get(kill)).getKill().getTaskId().getValue());
            assertNull(again.violation());
            again.close();
        }
    }

    private static org.apache.mesos.v1.executor.Protos.Event executorEvent(byte[] record) {
        return Events.executor(record, WireEncoding.JSON);
    }

    /** Calls as an HTTP executor makes them, in JSON. */
    private record ExecutorSide(MesosSimulator sim, String frameworkId, String executorId) {

        Call.Builder call(Call.Type type) {
            return Call.newBuilder()
                    .setType(type)
                    .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
                    .setExecutorId(ExecutorID.newBuilder().setValue(executorId));
        }

        TaskStatus status(String taskId, TaskState state) {
            return TaskStatus.newBuilder()
                    .setTaskId(TaskID.newBuilder().setValue(taskId))
                    .setState(state)
                    .setSource(TaskStatus.Source.SOURCE_EXECUTOR)
                    .setUuid(Cluster.randomUuidBytes())
                    .build();
        }

        Call.Builder update(TaskStatus status) {
            return call(Call.Type.UPDATE).setUpdate(Call.Update.newBuilder().setStatus(status));
        }

        RawClient.Response call(Call.Builder call) {
            return RawClient.exchange(sim.agentPort(), bytes(call.build()));
        }

        RawClient.EventStreamReader subscribe(List<TaskStatus> unacknowledgedUpdates, List<TaskInfo> unacknowledgedTasks) {
            Call.Subscribe.Builder subscribe = Call.Subscribe.newBuilder().addAllUnacknowledgedTasks(unacknowledgedTasks);
            unacknowledgedUpdates.forEach(s -> subscribe.addUnacknowledgedUpdates(Call.Update.newBuilder().setStatus(s)));
            return RawClient.openStream(sim.agentPort(), bytes(call(Call.Type.SUBSCRIBE).setSubscribe(subscribe).build()));
        }

        private byte[] bytes(Call call) {
            byte[] body = MesosJsonWriter.write(call);
            String head = "POST /api/v1/executor HTTP/1.1\r\nHost: " + sim.agentEndpoint()
                    + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
            byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
            byte[] out = new byte[headBytes.length + body.length];
            System.arraycopy(headBytes, 0, out, 0, headBytes.length);
            System.arraycopy(body, 0, out, headBytes.length, body.length);
            return out;
        }
    }
}
