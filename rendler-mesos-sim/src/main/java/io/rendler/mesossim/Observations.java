package io.rendler.mesossim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.TaskInfo;

/** What happened, for tests to assert on. Every method is synchronized; lists are returned as copies. */
final class Observations {

    private final Map<String, Integer> schedulerCalls = new HashMap<>();
    private final Map<String, Integer> executorCalls = new HashMap<>();
    private final List<TaskInfo> launchedTasks = new ArrayList<>();
    private final List<StartedExecutor> startedExecutors = new ArrayList<>();
    private final Map<String, List<org.apache.mesos.v1.scheduler.Protos.Event>> schedulerEvents = new HashMap<>();
    private final Map<String, List<org.apache.mesos.v1.executor.Protos.Event>> executorEvents = new HashMap<>();
    private int ignoredAcknowledgements;

    synchronized void schedulerCall(org.apache.mesos.v1.scheduler.Protos.Call.Type type) {
        schedulerCalls.merge(type.name(), 1, Integer::sum);
    }

    synchronized void executorCall(org.apache.mesos.v1.executor.Protos.Call.Type type) {
        executorCalls.merge(type.name(), 1, Integer::sum);
    }

    synchronized int schedulerCalls(org.apache.mesos.v1.scheduler.Protos.Call.Type type) {
        return schedulerCalls.getOrDefault(type.name(), 0);
    }

    synchronized int executorCalls(org.apache.mesos.v1.executor.Protos.Call.Type type) {
        return executorCalls.getOrDefault(type.name(), 0);
    }

    synchronized void taskLaunched(TaskInfo task) {
        launchedTasks.add(task);
    }

    synchronized List<TaskInfo> launchedTasks() {
        return List.copyOf(launchedTasks);
    }

    synchronized void executorStarted(StartedExecutor executor) {
        startedExecutors.add(executor);
    }

    synchronized List<StartedExecutor> startedExecutors() {
        return List.copyOf(startedExecutors);
    }

    synchronized void sentToScheduler(String frameworkId, org.apache.mesos.v1.scheduler.Protos.Event event) {
        schedulerEvents.computeIfAbsent(frameworkId, k -> new ArrayList<>()).add(event);
    }

    synchronized List<org.apache.mesos.v1.scheduler.Protos.Event> schedulerEvents(String frameworkId) {
        return List.copyOf(schedulerEvents.getOrDefault(frameworkId, List.of()));
    }

    synchronized void sentToExecutor(String executorId, org.apache.mesos.v1.executor.Protos.Event event) {
        executorEvents.computeIfAbsent(executorId, k -> new ArrayList<>()).add(event);
    }

    synchronized List<org.apache.mesos.v1.executor.Protos.Event> executorEvents(String executorId) {
        return List.copyOf(executorEvents.getOrDefault(executorId, List.of()));
    }

    synchronized void ignoredAcknowledgement() {
        ignoredAcknowledgements++;
    }

    synchronized int ignoredAcknowledgements() {
        return ignoredAcknowledgements;
    }
}
