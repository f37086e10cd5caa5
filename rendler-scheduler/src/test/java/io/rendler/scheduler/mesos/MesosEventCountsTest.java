package io.rendler.scheduler.mesos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rendler.mesos.MesosIds;
import io.rendler.scheduler.core.Delivery;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;

class MesosEventCountsTest {

    private final MesosEventCounts counts = new MesosEventCounts();

    @Test
    void aQuietRunSaysSoInOneLine() {
        counts.subscribed();
        assertEquals("0 offers, 0 updates, 0 messages, 0 failures", counts.summary());
    }

    @Test
    void countsOffersOneByOneUpdatesByStateAndDroppedMessagesByWhy() {
        counts.subscribed();
        counts.event(offers(3));
        counts.event(offers(2));
        counts.declined(1);
        counts.declined(2);
        for (int i = 0; i < 4; i++) counts.event(update(TaskState.TASK_RUNNING));
        for (int i = 0; i < 3; i++) counts.event(update(TaskState.TASK_FINISHED));
        counts.event(update(TaskState.TASK_FAILED));
        counts.updateResultDropped();
        for (int i = 0; i < 5; i++) counts.event(of(Event.Type.MESSAGE));
        counts.messageDropped(new Delivery(Delivery.Verdict.MALFORMED, "x"));
        counts.messageDropped(new Delivery(Delivery.Verdict.MALFORMED, "y"));
        counts.messageDropped(new Delivery(Delivery.Verdict.UNEXPECTED, "z"));
        counts.event(of(Event.Type.FAILURE));
        counts.event(of(Event.Type.HEARTBEAT));
        counts.event(of(Event.Type.HEARTBEAT));
        counts.event(of(Event.Type.RESCIND));
        counts.subscribed();

        assertEquals("5 offers (3 declined), 8 updates (4 running, 3 finished, 1 failed, 1 result dropped),"
                + " 5 messages (2 malformed, 1 not for a task of ours, dropped), 1 failure,"
                + " 2 subscriptions, 1 rescind, 2 heartbeats", counts.summary());
        assertEquals(2, counts.events(Event.Type.OFFERS));
        assertEquals(4, counts.updates(TaskState.TASK_RUNNING));
        assertEquals(0, counts.updates(TaskState.TASK_LOST));
    }

    private static Event of(Event.Type type) {
        return Event.newBuilder().setType(type).build();
    }

    private static Event offers(int count) {
        Event.Offers.Builder offers = Event.Offers.newBuilder();
        for (int i = 0; i < count; i++) {
            offers.addOffers(Offer.newBuilder().setId(MesosIds.offerId("o" + i)).setFrameworkId(MesosIds.frameworkId("f"))
                    .setAgentId(MesosIds.agentId("a")).setHostname("h"));
        }
        return Event.newBuilder().setType(Event.Type.OFFERS).setOffers(offers).build();
    }

    private static Event update(TaskState state) {
        return Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder()
                .setStatus(TaskStatus.newBuilder().setTaskId(MesosIds.taskId("t")).setState(state))).build();
    }
}
