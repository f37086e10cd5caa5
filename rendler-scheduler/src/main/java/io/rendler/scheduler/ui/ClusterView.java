package io.rendler.scheduler.ui;

import java.util.List;
import java.util.Map;

/**
 * The Mesos cluster as the framework sees it, for the live view: one snapshot a browser can draw
 * whole. Built by the Mesos backend from the events it receives and the calls it makes.
 *
 * @param master      the master's address
 * @param frameworkId empty until SUBSCRIBED
 * @param state       "subscribing", "subscribed", "disconnected", "ended"
 * @param suppressed  whether we have told the master to stop sending offers (SUPPRESS, until REVIVE)
 * @param totals      counts by event or call type, e.g. {"OFFERS": 40, "DECLINE": 3, "UPDATE": 120}
 * @param agents      every agent that has offered us resources, in order of first offer
 * @param recent      the latest activities, oldest first (a bounded tail)
 */
public record ClusterView(String master, String frameworkId, String state, boolean suppressed, Map<String, Long> totals,
                          List<Agent> agents, List<ClusterActivity> recent) {

    /**
     * @param id        the agent id
     * @param hostname  its host name, with the agent's port when the offer gave one ("10.0.0.7:5051")
     * @param offers    offers it made us
     * @param declined  of those, declined whole
     * @param lastOffer the resources in its latest offer: {"cpus": 2.0, "mem": 1900.0}
     * @param launched  tasks launched on it by kind: {"crawl": 30, "render": 28}
     * @param tasks     tasks on it by executor kind and then by their latest state:
     *                  {"render": {"TASK_RUNNING": 2, "TASK_FINISHED": 26}}
     */
    public record Agent(String id, String hostname, long offers, long declined, Map<String, Double> lastOffer,
                        Map<String, Long> launched, Map<String, Map<String, Long>> tasks) {}
}
