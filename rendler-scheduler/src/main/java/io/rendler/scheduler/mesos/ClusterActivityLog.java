package io.rendler.scheduler.mesos;

import io.rendler.common.TaskKind;
import io.rendler.scheduler.ui.ClusterActivity;
import io.rendler.scheduler.ui.ClusterView;
import io.rendler.scheduler.ui.ClusterWatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * Everything that passes between this framework and the Mesos master, told in words a workshop
 * can follow, plus the cluster it adds up to: the agents that offered resources, what we launched
 * on each and where those tasks stand. The live view draws it; scheduling never reads it.
 *
 * <p>Fed by the Mesos backend with each event it receives and each call it makes, from the
 * event stream's thread. Listeners are called outside the lock, in order per calling thread.
 */
public final class ClusterActivityLog implements ClusterWatch {

    /** Activities kept for a browser that connects late; the live view shows a tail anyway. */
    static final int RECENT = 300;

    private final String master;
    private final LongSupplier clock;
    private final List<Consumer<ClusterActivity>> listeners = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private String frameworkId = "";
    private String state = "subscribing";
    private boolean suppressed;
    private final Map<String, Long> totals = new LinkedHashMap<>();
    private final Map<String, AgentState> agents = new LinkedHashMap<>();
    /** Offers not yet accepted or declined, so a call naming only offer ids can name their agent. */
    private final Map<String, String> offerAgents = new HashMap<>();
    /** Tasks not yet in a terminal state: their agent, kind and latest state. */
    private final Map<String, TaskPlace> tasks = new HashMap<>();
    private final ArrayDeque<ClusterActivity> recent = new ArrayDeque<>();

    private static final class AgentState {
        final String id;
        String hostname;
        long offers;
        long declined;
        Map<String, Double> lastOffer = Map.of();
        final Map<String, Long> launched = new TreeMap<>();
        final Map<String, Map<String, Long>> tasks = new TreeMap<>();

        AgentState(String id) {
            this.id = id;
            this.hostname = id;
        }

        void count(String kind, String taskState, long delta) {
            Map<String, Long> byState = tasks.computeIfAbsent(kind, k -> new TreeMap<>());
            long now = byState.getOrDefault(taskState, 0L) + delta;
            if (now == 0) byState.remove(taskState);
            else byState.put(taskState, now);
        }
    }

    private record TaskPlace(String agentId, String kind, String state) {}

    public ClusterActivityLog(String master, LongSupplier clock) {
        this.master = master;
        this.clock = clock;
    }

    @Override
    public synchronized ClusterView view() {
        List<ClusterView.Agent> agentViews = new ArrayList<>();
        for (AgentState agent : agents.values()) {
            Map<String, Map<String, Long>> byKind = new TreeMap<>();
            agent.tasks.forEach((kind, byState) -> byKind.put(kind, Map.copyOf(byState)));
            agentViews.add(new ClusterView.Agent(agent.id, agent.hostname, agent.offers, agent.declined,
                    agent.lastOffer, Map.copyOf(agent.launched), byKind));
        }
        return new ClusterView(master, frameworkId, state, suppressed, new LinkedHashMap<>(totals), agentViews,
                List.copyOf(recent));
    }

    @Override
    public AutoCloseable listen(Consumer<ClusterActivity> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** We are about to send SUBSCRIBE, for the first time or again after losing the master. */
    public void subscribing(boolean failover) {
        publish(record(() -> {
            state = "subscribing";
            return activity("out", "SUBSCRIBE", null, failover
                    ? "subscribing again as framework " + frameworkId + ", to take back its running tasks"
                    : "subscribing to the master at " + master + " as a new framework");
        }));
    }

    public void subscribed(FrameworkID id) {
        publish(record(() -> {
            boolean again = !frameworkId.isEmpty();
            frameworkId = id.getValue();
            state = "subscribed";
            suppressed = false; // SUBSCRIBE carries no suppressed roles
            return activity("in", "SUBSCRIBED", null, again
                    ? "subscribed again as framework " + frameworkId
                    : "registered as framework " + frameworkId + "; offers will follow");
        }));
    }

    public void disconnected(String reason) {
        publish(record(() -> {
            state = "disconnected";
            return activity("in", "DISCONNECTED", null, "lost the master (" + reason + "); tasks keep running while we resubscribe");
        }));
    }

    public void ended(String reason) {
        publish(record(() -> {
            state = "ended";
            return activity("in", "ENDED", null, "the connection to the master ended: " + reason);
        }));
    }

    /** An event from the master's stream (SUBSCRIBED comes through {@link #subscribed}). */
    public void received(Event event) {
        List<ClusterActivity> told = new ArrayList<>();
        synchronized (this) {
            switch (event.getType()) {
                case OFFERS -> event.getOffers().getOffersList().forEach(offer -> told.add(offer(offer)));
                case UPDATE -> told.add(update(event.getUpdate().getStatus()));
                case MESSAGE -> {
                    Event.Message message = event.getMessage();
                    told.add(activity("in", "MESSAGE", hostOf(message.getAgentId()), "framework message from the "
                            + executorName(message.getExecutorId().getValue()) + ": " + message.getData().size()
                            + " bytes (a page's result: its links, or where its screenshot went)"));
                }
                case FAILURE -> told.add(failure(event.getFailure()));
                case RESCIND -> {
                    String agent = offerAgents.remove(event.getRescind().getOfferId().getValue());
                    told.add(activity("in", "RESCIND", hostOf(agent), "the master took back an offer we had not answered yet"));
                }
                case HEARTBEAT -> told.add(activity("in", "HEARTBEAT", null, "heartbeat: the master is still there (every 15 s)"));
                case ERROR -> told.add(activity("in", "ERROR", null, "error from the master: " + event.getError().getMessage()));
                default -> told.add(activity("in", event.getType().name(), null, event.getType().name().toLowerCase(Locale.ROOT)
                        .replace('_', ' ') + " (not used by Rendler)"));
            }
            told.forEach(this::keep);
        }
        told.forEach(this::publish);
    }

    /** A call we sent to the master. */
    public void sent(Call call) {
        List<ClusterActivity> told = new ArrayList<>();
        synchronized (this) {
            switch (call.getType()) {
                case ACCEPT -> accept(call.getAccept(), told);
                case DECLINE -> {
                    Call.Decline decline = call.getDecline();
                    for (OfferID offer : decline.getOfferIdsList()) {
                        String agentId = offerAgents.remove(offer.getValue());
                        AgentState agent = agentId == null ? null : agents.get(agentId);
                        if (agent != null) agent.declined++;
                        told.add(activity("out", "DECLINE", hostOf(agentId), String.format(Locale.ROOT,
                                "declined the offer: nothing to run there now; the master may offer it again after %s s",
                                number(decline.getFilters().getRefuseSeconds()))));
                    }
                }
                case ACKNOWLEDGE -> {
                    Call.Acknowledge ack = call.getAcknowledge();
                    String taskId = ack.getTaskId().getValue();
                    told.add(activity("out", "ACKNOWLEDGE", hostOf(ack.getAgentId()),
                            "acknowledged the update of " + taskId + ", so the agent stops resending it"));
                }
                case RECONCILE -> told.add(activity("out", "RECONCILE", null, "asked the master where our "
                        + call.getReconcile().getTasksCount() + " running tasks stand (after subscribing again)"));
                case SUPPRESS -> {
                    suppressed = true;
                    told.add(activity("out", "SUPPRESS", null, "nothing queued: asked the master to stop sending offers"));
                }
                case REVIVE -> {
                    suppressed = false;
                    told.add(activity("out", "REVIVE", null, "new pages queued: asked the master to send offers again"));
                }
                case KILL -> told.add(activity("out", "KILL", hostOf(call.getKill().getAgentId()),
                        "asked to kill " + call.getKill().getTaskId().getValue()));
                case TEARDOWN -> told.add(activity("out", "TEARDOWN", null,
                        "crawl over: ended the framework; the master stops its executors"));
                default -> told.add(activity("out", call.getType().name(), null, call.getType().name().toLowerCase(Locale.ROOT)));
            }
            told.forEach(this::keep);
        }
        told.forEach(this::publish);
    }

    private ClusterActivity offer(Offer offer) {
        AgentState agent = agents.computeIfAbsent(offer.getAgentId().getValue(), AgentState::new);
        // Agents on one machine share a host name (a workshop cluster, CI); their port tells them apart.
        if (!offer.getHostname().isEmpty()) {
            int port = offer.hasUrl() ? offer.getUrl().getAddress().getPort() : 0;
            agent.hostname = offer.getHostname() + (port > 0 ? ":" + port : "");
        }
        agent.offers++;
        Map<String, Double> resources = new TreeMap<>();
        for (Resource resource : offer.getResourcesList()) {
            if (resource.getType() == Value.Type.SCALAR) resources.merge(resource.getName(), resource.getScalar().getValue(), Double::sum);
        }
        agent.lastOffer = Map.copyOf(resources);
        offerAgents.put(offer.getId().getValue(), agent.id);
        StringBuilder text = new StringBuilder("offer from agent ").append(agent.hostname).append(": ");
        text.append(number(resources.getOrDefault("cpus", 0.0))).append(" cpus, ")
                .append(megabytes(resources.getOrDefault("mem", 0.0))).append(" memory free");
        if (offer.getExecutorIdsCount() > 0) {
            text.append("; our ");
            List<String> names = new ArrayList<>();
            offer.getExecutorIdsList().forEach(id -> names.add(executorName(id.getValue())));
            text.append(String.join(" and ", names)).append(names.size() == 1 ? " runs" : " run").append(" there");
        }
        return activity("in", "OFFERS", agent.hostname, text.toString());
    }

    private void accept(Call.Accept accept, List<ClusterActivity> told) {
        String agentId = null;
        for (OfferID offer : accept.getOfferIdsList()) {
            String id = offerAgents.remove(offer.getValue());
            if (id != null) agentId = id;
        }
        AgentState agent = agentId == null ? null : agents.get(agentId);
        Map<String, Integer> byKind = new TreeMap<>();
        for (var operation : accept.getOperationsList()) {
            if (!operation.hasLaunch()) continue;
            for (TaskInfo task : operation.getLaunch().getTaskInfosList()) {
                String kind = kindName(task);
                byKind.merge(kind, 1, Integer::sum);
                String on = agentId != null ? agentId : task.getAgentId().getValue();
                tasks.put(task.getTaskId().getValue(), new TaskPlace(on, kind, "LAUNCHED"));
                AgentState where = agents.computeIfAbsent(on, AgentState::new);
                where.launched.merge(kind, 1L, Long::sum);
                where.count(kind, "LAUNCHED", 1);
            }
        }
        List<String> parts = new ArrayList<>();
        byKind.forEach((kind, count) -> parts.add(count + " " + kind));
        told.add(activity("out", "ACCEPT", agent == null ? null : agent.hostname,
                "accepted the offer: launched " + (parts.isEmpty() ? "nothing" : String.join(" and ", parts) + " task"
                        + (byKind.values().stream().mapToInt(Integer::intValue).sum() == 1 ? "" : "s"))
                        + " on its resources"));
    }

    private ClusterActivity update(TaskStatus status) {
        String taskId = status.getTaskId().getValue();
        String newState = status.getState().name();
        TaskPlace known = tasks.get(taskId);
        if (known != null) {
            AgentState agent = agents.get(known.agentId());
            if (agent != null) {
                agent.count(known.kind(), known.state(), -1);
                agent.count(known.kind(), newState, 1);
            }
            if (!MesosScheduler.NOT_ENDED.contains(status.getState())) tasks.remove(taskId);
            else tasks.put(taskId, new TaskPlace(known.agentId(), known.kind(), newState));
        }
        StringBuilder text = new StringBuilder(taskId).append(" is ").append(newState);
        if (status.hasReason() && status.getReason() != TaskStatus.Reason.REASON_COMMAND_EXECUTOR_FAILED) {
            text.append(" (").append(status.getReason().name()).append(')');
        }
        if (!status.getMessage().isEmpty()) text.append(": ").append(abbreviate(status.getMessage(), 120));
        if (status.hasUuid()) text.append("; needs an acknowledgement");
        return activity("in", "UPDATE", hostOf(status.getAgentId()), text.toString());
    }

    private ClusterActivity failure(Event.Failure failure) {
        String who = failure.hasExecutorId() ? "the " + executorName(failure.getExecutorId().getValue()) : "an agent";
        String how = failure.hasStatus() ? ", " + MesosScheduler.howItEnded(failure.getStatus()) : "";
        return activity("in", "FAILURE", hostOf(failure.getAgentId()), who + " ended" + how);
    }

    private String hostOf(AgentID agent) {
        return agent == null || agent.getValue().isEmpty() ? null : hostOf(agent.getValue());
    }

    private String hostOf(String agentId) {
        if (agentId == null) return null;
        AgentState agent = agents.get(agentId);
        return agent == null ? agentId : agent.hostname;
    }

    private static String kindName(TaskInfo task) {
        TaskKind kind = task.hasExecutor() ? TaskInfos.kindOf(task.getExecutor().getExecutorId()) : null;
        return kind == null ? "other" : kind.label();
    }

    /** "rendler-render executor" → "render executor"; ids we did not make are shown as they are. */
    private static String executorName(String executorId) {
        TaskKind kind = TaskInfos.kindOf(org.apache.mesos.v1.Protos.ExecutorID.newBuilder().setValue(executorId).build());
        return kind == null ? "executor " + executorId : kind.label() + " executor";
    }

    private ClusterActivity activity(String direction, String type, String agent, String text) {
        return new ClusterActivity(clock.getAsLong(), direction, type, agent, text);
    }

    /** Counts and keeps {@code activity}; the caller holds the lock. */
    private void keep(ClusterActivity activity) {
        totals.merge(activity.type(), 1L, Long::sum);
        recent.addLast(activity);
        while (recent.size() > RECENT) recent.removeFirst();
    }

    private synchronized ClusterActivity record(java.util.function.Supplier<ClusterActivity> change) {
        ClusterActivity activity = change.get();
        keep(activity);
        return activity;
    }

    private void publish(ClusterActivity activity) {
        for (Consumer<ClusterActivity> listener : listeners) listener.accept(activity);
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String megabytes(double mb) {
        return mb >= 1024 ? String.format(Locale.ROOT, "%.1f GB", mb / 1024) : number(mb) + " MB";
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
