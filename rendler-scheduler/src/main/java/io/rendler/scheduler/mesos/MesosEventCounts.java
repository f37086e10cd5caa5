package io.rendler.scheduler.mesos;

import io.rendler.scheduler.core.Delivery;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * How many of each scheduler event arrived during a run, as Aurora counts them (every event type,
 * offers one by one, updates by task state), and how many results were dropped as malformed or
 * not ours. The run's summary shows them under {@code --master}. Thread-safe: the stream thread
 * counts, the main thread reads at the end.
 */
public final class MesosEventCounts {

    /** Events shown only when they happened; one SUBSCRIBED is the normal case and goes unsaid. */
    private static final Map<Event.Type, String> RARER = Map.of(
            Event.Type.SUBSCRIBED, "subscription",
            Event.Type.RESCIND, "rescind",
            Event.Type.HEARTBEAT, "heartbeat",
            Event.Type.INVERSE_OFFERS, "inverse offer event",
            Event.Type.RESCIND_INVERSE_OFFER, "inverse offer rescind",
            Event.Type.UPDATE_OPERATION_STATUS, "operation status update",
            Event.Type.ERROR, "error",
            Event.Type.UNKNOWN, "unknown event");

    private final Map<Event.Type, Long> events = new EnumMap<>(Event.Type.class);
    private final Map<TaskState, Long> updates = new EnumMap<>(TaskState.class);
    private long offers;
    private long declined;
    private long malformedMessages;
    private long unexpectedMessages;
    private long droppedUpdateResults;

    /** SUBSCRIBED reaches the scheduler apart from the other events; more than one means we resubscribed. */
    public synchronized void subscribed() {
        events.merge(Event.Type.SUBSCRIBED, 1L, Long::sum);
    }

    public synchronized void event(Event event) {
        events.merge(event.getType(), 1L, Long::sum);
        if (event.getType() == Event.Type.OFFERS) offers += event.getOffers().getOffersCount();
        if (event.getType() == Event.Type.UPDATE) updates.merge(event.getUpdate().getStatus().getState(), 1L, Long::sum);
    }

    public synchronized void declined(int offerCount) {
        declined += offerCount;
    }

    /** A MESSAGE whose result was dropped. */
    public synchronized void messageDropped(Delivery delivery) {
        if (delivery.verdict() == Delivery.Verdict.MALFORMED) malformedMessages++;
        else unexpectedMessages++;
    }

    /** A TASK_FINISHED update whose result was dropped; the task is retried as if it had none. */
    public synchronized void updateResultDropped() {
        droppedUpdateResults++;
    }

    public synchronized long events(Event.Type type) {
        return events.getOrDefault(type, 0L);
    }

    public synchronized long updates(TaskState state) {
        return updates.getOrDefault(state, 0L);
    }

    /**
     * One line, e.g. {@code 12 offers (3 declined), 180 updates (90 running, 88 finished, 2 failed),
     * 90 messages (1 malformed, dropped), 2 failures}; rarer events follow only when they happened.
     */
    public synchronized String summary() {
        List<String> parts = new ArrayList<>();
        parts.add(count(offers, "offer") + (declined > 0 ? " (" + declined + " declined)" : ""));
        List<String> states = new ArrayList<>();
        updates.forEach((state, n) -> states.add(n + " " + state.name().replaceFirst("^TASK_", "").toLowerCase(Locale.ROOT)));
        if (droppedUpdateResults > 0) states.add(count(droppedUpdateResults, "result") + " dropped");
        parts.add(count(events(Event.Type.UPDATE), "update") + (states.isEmpty() ? "" : " (" + String.join(", ", states) + ")"));
        List<String> dropped = new ArrayList<>();
        if (malformedMessages > 0) dropped.add(malformedMessages + " malformed");
        if (unexpectedMessages > 0) dropped.add(unexpectedMessages + " not for a task of ours");
        parts.add(count(events(Event.Type.MESSAGE), "message") + (dropped.isEmpty() ? "" : " (" + String.join(", ", dropped) + ", dropped)"));
        parts.add(count(events(Event.Type.FAILURE), "failure"));
        for (Map.Entry<Event.Type, Long> entry : events.entrySet()) {
            String noun = RARER.get(entry.getKey());
            if (noun == null || (entry.getKey() == Event.Type.SUBSCRIBED && entry.getValue() == 1)) continue;
            parts.add(count(entry.getValue(), noun));
        }
        return String.join(", ", parts);
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
