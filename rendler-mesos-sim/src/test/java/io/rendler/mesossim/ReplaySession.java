package io.rendler.mesossim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * Replays one recorded scheduler session against the simulator: each recorded {@code .request}
 * is sent with recorded values swapped for ours (framework, offer, agent and stream ids, uuids,
 * the executor command), and each answer must match the recorded {@code .response}: status
 * line, header names in order, Content-Type, and the body once our values are swapped back.
 * Events are compared the same way after {@link #normalize}.
 */
final class ReplaySession {

    static final Duration WAIT = Duration.ofSeconds(20);

    final MesosSimulator sim;
    final String folder;
    final Substitutions toOurs = new Substitutions();
    private final String recordedMasterId;
    private int lastOfferIndex = -1;

    ReplaySession(MesosSimulator sim, String folder, String recordedStreamBody) {
        this.sim = sim;
        this.folder = folder;
        byte[] subscribed = WireFixtures.bodyRecords(folder + "/" + recordedStreamBody).get(0);
        this.recordedMasterId = recordedEvent(subscribed).getSubscribed().getMasterInfo().getId();
        toOurs.put(recordedMasterId, sim.masterId());
        toOurs.put(recordedMasterId + "-S0", sim.agentId());
        toOurs.put(WireFixtures.RECORDED_COMMAND, WireFixtures.fakeExecutorCommand());
    }

    private Event recordedEvent(byte[] record) {
        return Events.scheduler(record, encoding());
    }

    WireEncoding encoding() {
        return folder.contains("protobuf") ? WireEncoding.PROTOBUF : WireEncoding.JSON;
    }

    /** Opens a recorded SUBSCRIBE and checks the response head against the recording. */
    RawClient.EventStreamReader subscribe(String stem) {
        byte[] request = substituted(stem);
        RawClient.EventStreamReader stream = RawClient.openStream(sim.masterPort(), request);
        RawClient.Response recorded = RawClient.Response.parseHead(WireFixtures.bytes(folder + "/" + stem + ".response"));
        assertEquals(recorded.statusLine(), stream.statusLine, stem);
        assertEquals(recorded.headerNames(), stream.headerNames(), stem + " header order");
        assertEquals(recorded.header("Content-Type"), stream.header("Content-Type"), stem);
        toOurs.put(recorded.header("Mesos-Stream-Id"), stream.header("Mesos-Stream-Id"));
        int subscribed = stream.await(Events.type(Event.Type.SUBSCRIBED, encoding()), 0, WAIT, "SUBSCRIBED");
        byte[] recordedFirst = WireFixtures.bodyRecords(folder + "/" + stem + ".body").get(0);
        toOurs.put(recordedEvent(recordedFirst).getSubscribed().getFrameworkId().getValue(),
                Events.scheduler(stream.records().get(subscribed), encoding()).getSubscribed().getFrameworkId().getValue());
        return stream;
    }

    /** Sends a recorded call and asserts the answer matches the recorded one. */
    RawClient.Response call(String stem) {
        RawClient.Response ours = RawClient.exchange(sim.masterPort(), substituted(stem));
        assertConforms(stem, RawClient.Response.parse(WireFixtures.bytes(folder + "/" + stem + ".response")), ours);
        return ours;
    }

    void assertConforms(String stem, RawClient.Response recorded, RawClient.Response ours) {
        Substitutions back = toOurs.inverse();
        assertEquals(recorded.statusLine(), ours.statusLine(), stem);
        assertEquals(recorded.headerNames(), ours.headerNames(), stem + " header order");
        assertEquals(recorded.header("Content-Type"), ours.header("Content-Type"), stem);
        assertEquals(recorded.bodyText(), back.apply(ours.bodyText()), stem + " body");
        assertEquals(String.valueOf(ours.body().length), ours.header("Content-Length"), stem);
    }

    byte[] substituted(String stem) {
        WireFixtures.Request request = WireFixtures.Request.load(folder + "/" + stem + ".request");
        if (encoding() == WireEncoding.PROTOBUF && request.body().length > 0 && isCall(request.body())) {
            // Swap values inside a protobuf body via its (proven byte-exact) JSON form.
            request = request.withBody(substituteProtobuf(request.body()));
            request = new WireFixtures.Request(request.requestLine(), substituteHeaders(request), request.body());
        } else {
            request = request.substitute(toOurs);
        }
        return request.toBytes(sim.masterPort());
    }

    private List<String[]> substituteHeaders(WireFixtures.Request request) {
        List<String[]> headers = new ArrayList<>();
        for (String[] header : request.headers()) headers.add(new String[] {header[0], toOurs.apply(header[1])});
        return headers;
    }

    private static boolean isCall(byte[] body) {
        try {
            Call.parseFrom(body);
            return true;
        } catch (Exception e) {
            return false; // the recorded malformed body stays as it is
        }
    }

    private byte[] substituteProtobuf(byte[] body) {
        try {
            String json = toOurs.apply(MesosJsonWriter.writeString(Call.parseFrom(body)));
            Message.Builder call = Call.newBuilder();
            MesosJsonReader.toProto(MesosJsonReader.parseTree(json), call);
            return call.build().toByteArray();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Maps a recorded offer id to every offer of ours not yet used by a replayed call. The recorded
     * master had exactly one outstanding offer holding all free resources; ours may split the same
     * resources over several offers, depending on when filters expire relative to the executor's
     * start-up, so the replayed ACCEPT or DECLINE names all of them (legal: Mesos merges offers
     * from one agent). Waits for at least one fresh offer, then two allocation rounds for stragglers.
     */
    void mapNextOffer(String recordedOfferId, RawClient.EventStreamReader stream) {
        stream.await(Events.type(Event.Type.OFFERS, encoding()), lastOfferIndex + 1, WAIT, "a fresh OFFERS");
        sleep(Duration.ofMillis(500));
        List<byte[]> records = stream.records();
        List<String> unused = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            Event event = Events.scheduler(records.get(i), encoding());
            if (event.getType() != Event.Type.OFFERS) continue;
            lastOfferIndex = i;
            String id = event.getOffers().getOffers(0).getId().getValue();
            if (usedOffers.add(id)) unused.add(id);
        }
        String recorded = recordedMasterId + "-" + recordedOfferId;
        toOurs.put(recorded, unused.get(0));
        // In a JSON body, one recorded {"value": ...} becomes the list of ours.
        toOurs.put("{\"value\": \"" + recorded + "\"}", String.join(", ",
                unused.stream().map(id -> "{\"value\": \"" + id + "\"}").toList()));
    }

    private final java.util.Set<String> usedOffers = new java.util.HashSet<>();

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for our UPDATE matching a recorded one and maps its uuid, for the ACK that follows. */
    void mapUpdateUuid(String recordedUuid, String taskId, TaskState state, RawClient.EventStreamReader stream) {
        int index = stream.await(Events.update(taskId, state, encoding()), 0, WAIT, "UPDATE " + taskId + " " + state);
        Event event = Events.scheduler(stream.records().get(index), encoding());
        String ours = java.util.Base64.getEncoder().encodeToString(event.getUpdate().getStatus().getUuid().toByteArray());
        toOurs.put(recordedUuid, ours);
    }

    /** Sends a recorded ACKNOWLEDGE after mapping the uuid of the update it acknowledges. */
    void acknowledge(String stem, TaskState state, RawClient.EventStreamReader stream) {
        Call recordedAck = recordedCall(stem);
        String recordedUuid = java.util.Base64.getEncoder().encodeToString(recordedAck.getAcknowledge().getUuid().toByteArray());
        mapUpdateUuid(recordedUuid, recordedAck.getAcknowledge().getTaskId().getValue(), state, stream);
        call(stem);
    }

    Call recordedCall(String stem) {
        WireFixtures.Request request = WireFixtures.Request.load(folder + "/" + stem + ".request");
        try {
            Call.Builder call = Call.newBuilder();
            MesosJsonReader.toProto(MesosJsonReader.parseTree(request.bodyText()), call);
            return call.build();
        } catch (MesosJsonReader.BadJson e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Our event and the recorded one become comparable strings: our ids and ports become the
     * recorded ones, and values that differ on every run (timestamps, uuids, pids, container and
     * offer ids) become placeholders.
     */
    String normalize(byte[] ours) {
        return normalizeRecorded(toOurs.inverse().apply(asJson(ours)).replace("\"port\":" + sim.masterPort(), "\"port\":5050")
                .replace("\"port\":" + sim.agentPort(), "\"port\":5051")
                .replace("127.0.0.1:" + sim.masterPort(), "127.0.0.1:5050")
                .replace("127.0.0.1:" + sim.agentPort(), "127.0.0.1:5051"));
    }

    String normalizeRecorded(byte[] recorded) {
        return normalizeRecorded(asJson(recorded));
    }

    private String asJson(byte[] record) {
        if (encoding() == WireEncoding.JSON) return new String(record, StandardCharsets.UTF_8);
        return MesosJsonWriter.writeString(Events.scheduler(record, WireEncoding.PROTOBUF));
    }

    static String normalizeRecorded(String json) {
        return json.replaceAll("\"timestamp\":[0-9.]+", "\"timestamp\":0")
                .replaceAll("\"uuid\":\"[^\"]*\"", "\"uuid\":\"U\"")
                .replaceAll("\"executor_pid\":[0-9]+", "\"executor_pid\":0")
                .replaceAll("\"container_id\":\\{\"value\":\"[^\"]*\"}", "\"container_id\":{\"value\":\"C\"}")
                .replaceAll("-O[0-9]+\"", "-O\"");
    }

    /** The events of a stream without HEARTBEAT and OFFERS, whose number depends on timing. */
    List<String> significant(List<byte[]> records, boolean recorded) {
        List<String> out = new ArrayList<>();
        for (byte[] record : records) {
            Event.Type type = Events.scheduler(record, encoding()).getType();
            if (type == Event.Type.HEARTBEAT || type == Event.Type.OFFERS) continue;
            out.add(recorded ? normalizeRecorded(record) : normalize(record));
        }
        return out;
    }

    static Predicate<byte[]> any() {
        return r -> true;
    }

    static void assertNoViolation(RawClient.EventStreamReader stream) {
        assertEquals(null, stream.violation(), "one RecordIO record per chunk");
        assertNotNull(stream.statusLine);
    }
}
