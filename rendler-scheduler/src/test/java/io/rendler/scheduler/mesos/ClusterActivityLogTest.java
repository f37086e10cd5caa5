package io.rendler.scheduler.mesos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.rendler.common.TaskKind;
import io.rendler.mesos.SchedulerCalls;
import io.rendler.scheduler.ui.ClusterActivity;
import io.rendler.scheduler.ui.ClusterView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;

class ClusterActivityLogTest {

    private static final AgentID AGENT = AgentID.newBuilder().setValue("a1-S0").build();

    private final List<ClusterActivity> heard = new ArrayList<>();
    private final ClusterActivityLog log = new ClusterActivityLog("127.0.0.1:5050", () -> 1_000L);

    @Test
    void anOfferThatIsUsedShowsAsLaunchesAndTheTasksMoveThroughTheirStatesOnTheirAgent() throws Exception {
        log.listen(heard::add);
        log.subscribed(FrameworkID.newBuilder().setValue("fw-1").build());
        log.received(offers("o1"));
        log.sent(SchedulerCalls.accept(List.of(offerId("o1")),
                List.of(SchedulerCalls.launch(List.of(task("crawl-1", TaskKind.CRAWL), task("render-1", TaskKind.RENDER)))),
                SchedulerCalls.refuseFor(1)));
        log.received(update("crawl-1", TaskState.TASK_RUNNING));
        log.received(update("render-1", TaskState.TASK_RUNNING));
        log.received(update("render-1", TaskState.TASK_FINISHED));
        log.sent(SchedulerCalls.acknowledge(AGENT, TaskID.newBuilder().setValue("render-1").build(), uuid()));

        ClusterView view = log.view();
        assertEquals("fw-1", view.frameworkId());
        assertEquals("subscribed", view.state());
        assertEquals(1, view.agents().size());
        ClusterView.Agent agent = view.agents().get(0);
        assertEquals("agent1.example", agent.hostname());
        assertEquals(1, agent.offers());
        assertEquals(Map.of("cpus", 2.0, "mem", 1900.0), agent.lastOffer());
        assertEquals(Map.of("crawl", 1L, "render", 1L), agent.launched());
        assertEquals(Map.of("crawl", Map.of("TASK_RUNNING", 1L), "render", Map.of("TASK_FINISHED", 1L)), agent.tasks());

        List<String> types = heard.stream().map(ClusterActivity::type).toList();
        assertEquals(List.of("SUBSCRIBED", "OFFERS", "ACCEPT", "UPDATE", "UPDATE", "UPDATE", "ACKNOWLEDGE"), types);
        assertEquals("offer from agent agent1.example: 2 cpus, 1.9 GB memory free", heard.get(1).text());
        assertEquals("accepted the offer: launched 1 crawl and 1 render tasks on its resources", heard.get(2).text());
        assertEquals("agent1.example", heard.get(2).agent());
        assertEquals(view.recent(), heard, "a browser that connects late sees the same activities");
        assertEquals(3L, view.totals().get("UPDATE"));
    }

    @Test
    void aDeclinedOfferAndSuppressAndReviveAreTold() {
        log.received(offers("o2"));
        log.sent(SchedulerCalls.decline(List.of(offerId("o2")), 30));
        log.sent(SchedulerCalls.suppress("*"));
        assertTrue(log.view().suppressed());
        assertEquals(1, log.view().agents().get(0).declined());
        log.sent(SchedulerCalls.revive("*"));
        assertFalse(log.view().suppressed());
        List<String> texts = log.view().recent().stream().map(ClusterActivity::text).toList();
        assertEquals("declined the offer: nothing to run there now; the master may offer it again after 30 s", texts.get(1));
        assertEquals("nothing queued: asked the master to stop sending offers", texts.get(2));
        assertEquals("new pages queued: asked the master to send offers again", texts.get(3));
    }

    @Test
    void agentsOnOneMachineAreToldApartByThePortInTheirOffers() {
        Offer onPort = offers("o5").getOffers().getOffers(0).toBuilder()
                .setUrl(org.apache.mesos.v1.Protos.URL.newBuilder().setScheme("http")
                        .setAddress(org.apache.mesos.v1.Protos.Address.newBuilder().setHostname("agent1.example").setPort(5052)))
                .build();
        log.received(Event.newBuilder().setType(Event.Type.OFFERS).setOffers(Event.Offers.newBuilder().addOffers(onPort)).build());
        assertEquals("agent1.example:5052", log.view().agents().get(0).hostname());
        assertEquals("offer from agent agent1.example:5052: 2 cpus, 1.9 GB memory free", log.view().recent().get(0).text());
    }

    @Test
    void onlyTheLatestActivitiesAreKeptButEveryOneIsCounted() {
        Event heartbeat = Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
        for (int i = 0; i < ClusterActivityLog.RECENT + 50; i++) log.received(heartbeat);
        assertEquals(ClusterActivityLog.RECENT, log.view().recent().size());
        assertEquals(ClusterActivityLog.RECENT + 50L, log.view().totals().get("HEARTBEAT"));
    }

    @Test
    void aListenerThatStoppedListeningHearsNothingMore() throws Exception {
        AutoCloseable handle = log.listen(heard::add);
        log.received(offers("o3"));
        handle.close();
        log.received(offers("o4"));
        assertEquals(1, heard.size());
    }

    private static Event offers(String id) {
        Offer offer = Offer.newBuilder()
                .setId(offerId(id))
                .setFrameworkId(FrameworkID.newBuilder().setValue("fw-1"))
                .setAgentId(AGENT)
                .setHostname("agent1.example")
                .addResources(scalar("cpus", 2))
                .addResources(scalar("mem", 1900))
                .build();
        return Event.newBuilder().setType(Event.Type.OFFERS).setOffers(Event.Offers.newBuilder().addOffers(offer)).build();
    }

    private static Event update(String taskId, TaskState state) {
        TaskStatus status = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state)
                .setAgentId(AGENT).setUuid(uuid()).build();
        return Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder().setStatus(status)).build();
    }

    private static TaskInfo task(String id, TaskKind kind) {
        return TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id)).setAgentId(AGENT)
                .setExecutor(ExecutorInfo.newBuilder().setExecutorId(TaskInfos.executorId(kind))
                        .setCommand(CommandInfo.newBuilder().setValue("true")))
                .build();
    }

    private static OfferID offerId(String id) {
        return OfferID.newBuilder().setValue(id).build();
    }

    private static Resource scalar(String name, double value) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
    }

    private static ByteString uuid() {
        UUID uuid = UUID.randomUUID();
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16);
        bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return ByteString.copyFrom(bytes.array());
    }
}
