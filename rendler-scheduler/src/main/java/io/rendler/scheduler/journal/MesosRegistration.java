package io.rendler.scheduler.journal;

import java.util.Objects;

/**
 * What a scheduler started again after a crash needs to take its Mesos framework back: the
 * FrameworkID to resubscribe with, and the file server's port and upload token. Executors still
 * running were started with ExecutorInfos naming that port (a relaunch must match them exactly),
 * and render tasks still running upload to that port with that token.
 */
public record MesosRegistration(String frameworkId, int fileServerPort, String uploadToken) {
    public MesosRegistration {
        Objects.requireNonNull(frameworkId, "frameworkId");
        Objects.requireNonNull(uploadToken, "uploadToken");
    }
}
