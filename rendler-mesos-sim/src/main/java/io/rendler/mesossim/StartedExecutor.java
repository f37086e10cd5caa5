package io.rendler.mesossim;

import java.nio.file.Path;
import org.apache.mesos.v1.Protos.ExecutorInfo;

/**
 * An executor the agent started as a real child process.
 *
 * @param sandbox the run directory, also the process' cwd; holds {@code stdout} and {@code stderr}
 * @param pid the pid of {@code /bin/sh -c <command>}, also reported as {@code executor_pid}
 */
public record StartedExecutor(
        String frameworkId, String executorId, String containerId, Path sandbox, long pid, ExecutorInfo info) {

    public Path stdout() {
        return sandbox.resolve("stdout");
    }

    public Path stderr() {
        return sandbox.resolve("stderr");
    }
}
