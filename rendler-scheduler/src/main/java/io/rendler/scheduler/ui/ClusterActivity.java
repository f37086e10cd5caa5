package io.rendler.scheduler.ui;

/**
 * One thing that passed between the framework and the Mesos master, as the live view lists it.
 *
 * @param atMillis  wall-clock time, epoch milliseconds
 * @param direction {@code "in"} for an event from the master, {@code "out"} for a call we made
 * @param type      the event or call type as Mesos names it: OFFERS, ACCEPT, DECLINE, UPDATE,
 *                  ACKNOWLEDGE, MESSAGE, RECONCILE, SUPPRESS, REVIVE, SUBSCRIBE, SUBSCRIBED,
 *                  HEARTBEAT, FAILURE, KILL, TEARDOWN, ...
 * @param agent     the agent's host name (or id when the host is not known yet), or null
 * @param text      one line a workshop audience can read, e.g. "offer: 2 cpus, 1.9 GB from agent
 *                  127.0.0.1"
 */
public record ClusterActivity(long atMillis, String direction, String type, String agent, String text) {}
