package io.rendler.scheduler.mesos;

import io.rendler.mesos.MesosEncoding;
import io.rendler.mesos.SchedulerClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the Mesos backend needs to register and launch executors.
 *
 * @param master            {@code host:port} of a Mesos master (any master; a 307 leads to the leader)
 * @param frameworkName     shown in the Mesos UI
 * @param user              FrameworkInfo.user: the Unix user the agents run our executors as
 * @param role              the role to take offers for
 * @param failoverTimeout   how long the master keeps our tasks while we are away
 * @param credential        HTTP Basic credentials, if the master authenticates frameworks
 * @param advertiseHost     the address agents use to reach our file server
 * @param fileServerBind    the address our file server listens on (the advertised one unless the user says otherwise)
 * @param screenshotBudget  the most screenshot bytes the file server accepts in this run
 * @param jars              executor jar per file name, served to the Mesos fetcher
 * @param crawlParallelism  fetches at once inside one crawl executor
 * @param renderParallelism pages at once inside one render executor
 * @param chromium          a Chromium path to hand the render executor, when the user gave one
 * @param chromiumArgs      extra Chromium flags for the render executor
 * @param encoding          how the scheduler and the executors talk to Mesos
 */
public record MesosSettings(
        String master,
        String frameworkName,
        String user,
        String role,
        Duration failoverTimeout,
        Optional<SchedulerClient.Credential> credential,
        String advertiseHost,
        String fileServerBind,
        long screenshotBudget,
        Map<String, Path> jars,
        int crawlParallelism,
        int renderParallelism,
        Optional<Path> chromium,
        List<String> chromiumArgs,
        MesosEncoding encoding) {

    public static final String CRAWL_JAR = "crawl-executor.jar";
    public static final String RENDER_JAR = "render-executor.jar";
}
