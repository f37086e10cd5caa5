package io.rendler.mesossim;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the simulator can be told at start-up. Defaults live in
 * {@link MesosSimulator.Builder}; they are the real Mesos defaults unless noted there.
 *
 * @param executorPath PATH given to executors; null means the parent JVM's PATH
 */
record SimConfig(
        int masterPort,
        int agentPort,
        String hostname,
        Resources agentResources,
        Duration heartbeatInterval,
        Duration allocationInterval,
        Duration executorRegistrationTimeout,
        Duration executorShutdownGracePeriod,
        Duration statusUpdateRetryInterval,
        Path workDir,
        boolean deleteWorkDirOnClose,
        String executorPath,
        Path frameworksHome,
        String version) {}
