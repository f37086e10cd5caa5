package io.rendler.mesossim;

import java.util.function.Predicate;

/** Switches a test flips to make the simulator misbehave. Thread-safe; read by the master. */
final class Faults {

    private volatile boolean heartbeatsPaused;
    private volatile String redirectLocation;
    private int frameworkMessagesToDrop;
    private Predicate<byte[]> frameworkMessageFilter = data -> false;
    private int droppedFrameworkMessages;

    void pauseHeartbeats(boolean paused) {
        heartbeatsPaused = paused;
    }

    boolean heartbeatsPaused() {
        return heartbeatsPaused;
    }

    /** A protocol-relative location like {@code //127.0.0.1:5050/api/v1/scheduler}, or null to lead. */
    void redirectTo(String location) {
        redirectLocation = location;
    }

    String redirectLocation() {
        return redirectLocation;
    }

    synchronized void dropNextFrameworkMessages(int count) {
        frameworkMessagesToDrop = count;
    }

    synchronized void dropFrameworkMessagesWhere(Predicate<byte[]> filter) {
        frameworkMessageFilter = filter;
    }

    /** Decides the fate of one executor-to-scheduler MESSAGE; framework messages are best effort in Mesos too. */
    synchronized boolean shouldDropFrameworkMessage(byte[] data) {
        boolean drop = frameworkMessagesToDrop > 0 || frameworkMessageFilter.test(data);
        if (frameworkMessagesToDrop > 0) frameworkMessagesToDrop--;
        if (drop) droppedFrameworkMessages++;
        return drop;
    }

    synchronized int droppedFrameworkMessages() {
        return droppedFrameworkMessages;
    }
}
