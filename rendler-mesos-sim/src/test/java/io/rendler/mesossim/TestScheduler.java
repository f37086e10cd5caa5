package io.rendler.mesossim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * A minimal raw scheduler for tests that are not replays: JSON calls built from protos, one
 * stream read by {@link RawClient}. Deliberately independent of the project's SchedulerClient.
 */
final class TestScheduler implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(15);

    final MesosSimulator sim;
    final FrameworkInfo info;
    RawClient.EventStreamReader stream;
    String frameworkId;

    private TestScheduler(MesosSimulator sim, FrameworkInfo info) {
        this.sim = sim;
        this.info = info;
    }

    static FrameworkInfo framework(String name, double failoverTimeout, FrameworkInfo.Capability.Type... capabilities) {
        FrameworkInfo.Builder info = FrameworkInfo.newBuilder()
                .setUser("root")
                .setName(name)
                .addRoles("*")
                .setFailoverTimeout(failoverTimeout)
                .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.MULTI_ROLE));
        for (FrameworkInfo.Capability.Type type : capabilities) {
            info.addCapabilities(FrameworkInfo.Capability.newBuilder().setType(type));
        }
        return info.build();
    }

    static TestScheduler subscribe(MesosSimulator sim, FrameworkInfo info) {
        TestScheduler scheduler = new TestScheduler(sim, info);
        scheduler.resubscribe();
        return scheduler;
    }

    /** SUBSCRIBE, or re-SUBSCRIBE with the framework id once we have one. */
    TestScheduler resubscribe() {
        Call.Builder call = Call.newBuilder().setType(Call.Type.SUBSCRIBE);
        FrameworkInfo.Builder framework = info.toBuilder();
        if (frameworkId != null) {
            framework.setId(FrameworkID.newBuilder().setValue(frameworkId));
            call.setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId));
        }
        call.setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(framework));
        stream = RawClient.openStream(sim.masterPort(), request(call.build(), null));
        assertEquals("HTTP/1.1 200 OK", stream.statusLine);
        int subscribed = stream.await(Events.type(Event.Type.SUBSCRIBED), 0, WAIT, "SUBSCRIBED");
        frameworkId = event(subscribed).getSubscribed().getFrameworkId().getValue();
        return this;
    }

    String streamId() {
        return stream.header("Mesos-Stream-Id");
    }

    byte[] request(Call call, String streamId) {
        byte[] body = MesosJsonWriter.write(call);
        StringBuilder head = new StringBuilder("POST /api/v1/scheduler HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(sim.masterPort()).append("\r\n")
                .append("Content-Type: application/json\r\nAccept: application/json\r\n");
        if (streamId != null) head.append("Mesos-Stream-Id: ").append(streamId).append("\r\n");
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, out, 0, headBytes.length);
        System.arraycopy(body, 0, out, headBytes.length, body.length);
        return out;
    }

    /** Any call on this framework's current stream id; the type's payload goes in {@code call}. */
    RawClient.Response call(Call.Builder call) {
        return callWithStreamId(call, streamId());
    }

    RawClient.Response callWithStreamId(Call.Builder call, String streamId) {
        call.setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId));
        return RawClient.exchange(sim.masterPort(), request(call.build(), streamId));
    }

    void accepted(Call.Builder call) {
        RawClient.Response response = call(call);
        assertEquals(202, response.status(), response.bodyText());
    }

    Event event(int index) {
        return Events.scheduler(stream.records().get(index), WireEncoding.JSON);
    }

    int await(Predicate<byte[]> matcher, int from, String what) {
        return stream.await(matcher, from, WAIT, what);
    }

    Offer awaitOffer(int from) {
        return event(await(Events.type(Event.Type.OFFERS), from, "OFFERS")).getOffers().getOffers(0);
    }

    TaskStatus awaitUpdate(String taskId, TaskState state, int from) {
        return event(await(Events.update(taskId, state), from, "UPDATE " + taskId + " " + state)).getUpdate().getStatus();
    }

    int size() {
        return stream.records().size();
    }

    void launch(Offer offer, TaskInfo... tasks) {
        Offer.Operation.Launch.Builder launch = Offer.Operation.Launch.newBuilder();
        for (TaskInfo task : tasks) launch.addTaskInfos(task);
        accepted(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
                .addOfferIds(offer.getId())
                .setFilters(Filters.newBuilder().setRefuseSeconds(0.1))
                .addOperations(Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH).setLaunch(launch))));
    }

    void acknowledge(TaskStatus status) {
        accepted(Call.newBuilder().setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                .setAgentId(status.getAgentId())
                .setTaskId(status.getTaskId())
                .setUuid(status.getUuid())));
    }

    void message(String executorId, String data) {
        accepted(Call.newBuilder().setType(Call.Type.MESSAGE).setMessage(Call.Message.newBuilder()
                .setAgentId(AgentID.newBuilder().setValue(sim.agentId()))
                .setExecutorId(ExecutorID.newBuilder().setValue(executorId))
                .setData(ByteString.copyFromUtf8(data))));
    }

    // ---- task factories ----------------------------------------------------------------------

    static List<Resource> small() {
        return List.of(scalar("cpus", 0.1), scalar("mem", 32));
    }

    static Resource scalar(String name, double value) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
    }

    /** A task on the recorded fake executor; data "finish..." or "hold..." picks its behaviour. */
    TaskInfo fakeExecutorTask(String taskId, String executorId, String data) {
        CommandInfo command = CommandInfo.newBuilder()
                .setValue(WireFixtures.fakeExecutorCommand())
                .setShell(true)
                .setEnvironment(Environment.newBuilder().addVariables(Environment.Variable.newBuilder()
                        .setName("FAKE_EXEC_ENCODING").setValue("json")))
                .build();
        return task(taskId, executorId, command, data);
    }

    /** A task whose "executor" is just a shell command, which never subscribes. */
    TaskInfo shellTask(String taskId, String executorId, String shellCommand, CommandInfo.URI... uris) {
        CommandInfo.Builder command = CommandInfo.newBuilder().setValue(shellCommand).setShell(true);
        for (CommandInfo.URI uri : uris) command.addUris(uri);
        return task(taskId, executorId, command.build(), "");
    }

    TaskInfo task(String taskId, String executorId, CommandInfo command, String data) {
        return TaskInfo.newBuilder()
                .setName(taskId)
                .setTaskId(TaskID.newBuilder().setValue(taskId))
                .setAgentId(AgentID.newBuilder().setValue(sim.agentId()))
                .addAllResources(small())
                .setExecutor(ExecutorInfo.newBuilder()
                        .setType(ExecutorInfo.Type.CUSTOM)
                        .setExecutorId(ExecutorID.newBuilder().setValue(executorId))
                        .setFrameworkId(FrameworkID.newBuilder().setValue(frameworkId))
                        .setName("test executor " + executorId)
                        .setCommand(command)
                        .addAllResources(small()))
                .setData(ByteString.copyFromUtf8(data))
                .build();
    }

    /** Drops the stream from the client side, as a crashed or partitioned scheduler would. */
    void disconnect() {
        if (stream != null) stream.close();
    }

    @Override
    public void close() {
        disconnect();
    }
}
