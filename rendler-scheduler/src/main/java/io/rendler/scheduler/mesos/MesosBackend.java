package io.rendler.scheduler.mesos;

import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import io.rendler.common.mesos.FrameworkInfos;
import io.rendler.common.mesos.SchedulerClient;
import io.rendler.scheduler.core.CrawlCoordinator;
import io.rendler.scheduler.run.ClusterBackend;
import io.rendler.scheduler.run.SetupException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * Runs the crawl on a Mesos cluster: registers as a framework through the v1 HTTP scheduler API,
 * serves the executor jars and receives screenshots on its {@link FileServer}, and lets
 * {@link MesosScheduler} turn events into launches. This class is only wiring and lifecycle.
 */
public final class MesosBackend implements ClusterBackend {

    /** How long to wait for the first SUBSCRIBED before telling the user the master is unreachable. */
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(20);

    /** Per task and per executor resources. Chromium is what needs the memory. */
    static final Map<TaskKind, OfferPacker.Sizing> SIZING = Map.of(
            TaskKind.CRAWL, new OfferPacker.Sizing(new Resources(0.1, 32), new Resources(0.1, 256)),
            TaskKind.RENDER, new OfferPacker.Sizing(new Resources(0.5, 128), new Resources(0.2, 512)));

    /**
     * C1 only and the serial collector: executors are short-lived and mostly wait on I/O or Chromium.
     * The agent runs this with {@code sh -c}; {@code exec} makes the JVM the executor process, so a
     * signal that kills it shows in the master's FAILURE event as that signal, not as the shell's
     * exit code 137.
     */
    private static final String JAVA = "exec java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar ";

    private final MesosSettings settings;
    private final Path screenshotDir;
    private final Consumer<String> log;
    private final CountDownLatch firstSubscription = new CountDownLatch(1);
    private volatile String stoppedReason;
    private volatile boolean finishing;
    private FileServer files;
    private SchedulerClient client;
    private MesosScheduler scheduler;
    private CrawlCoordinator coordinator;

    public MesosBackend(MesosSettings settings, Path screenshotDir, Consumer<String> log) {
        this.settings = settings;
        this.screenshotDir = screenshotDir;
        this.log = log;
    }

    @Override
    public String describe() {
        return "Mesos master " + settings.master();
    }

    @Override
    public void start(CrawlCoordinator coordinator) {
        this.coordinator = coordinator;
        files = new FileServer("0.0.0.0", settings.advertiseHost(), settings.jars(), screenshotDir);
        FrameworkInfo info = FrameworkInfos.create(settings.frameworkName(), settings.user(), settings.role(),
                settings.failoverTimeout(), true);
        if (settings.credential().isPresent()) info = FrameworkInfos.withPrincipal(info, settings.credential().get().principal());
        SchedulerClient.Config config = SchedulerClient.Config.defaults(SchedulerClient.Config.masterUri(settings.master()))
                .withGiveUpAfter(settings.failoverTimeout());
        if (settings.credential().isPresent()) config = config.withCredential(settings.credential().get());
        client = new SchedulerClient(config, info, new Listener());
        scheduler = new MesosScheduler(coordinator, new OfferPacker(SIZING), this::taskInfos, this::withUploadUrl,
                settings.role(), call -> client.send(call), log);
        coordinator.onWorkAvailable(scheduler::workAvailable);
        client.start();
        try {
            if (!firstSubscription.await(SUBSCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SetupException("no answer from the Mesos master at " + settings.master() + " within "
                        + SUBSCRIBE_TIMEOUT.toSeconds() + "s; is it running and reachable?");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SetupException("interrupted while subscribing to " + settings.master());
        }
        if (stoppedReason != null) {
            throw new SetupException("the Mesos master at " + settings.master() + " refused us: " + stoppedReason);
        }
    }

    private TaskInfos taskInfos(FrameworkID frameworkId) {
        Map<TaskKind, TaskInfos.ExecutorLaunch> launches = new LinkedHashMap<>();
        launches.put(TaskKind.CRAWL, new TaskInfos.ExecutorLaunch(files.jarUrl(MesosSettings.CRAWL_JAR),
                JAVA + MesosSettings.CRAWL_JAR,
                SIZING.get(TaskKind.CRAWL).executor(),
                Map.of("RENDLER_PARALLELISM", Integer.toString(settings.crawlParallelism()))));
        Map<String, String> renderEnv = new LinkedHashMap<>();
        renderEnv.put("RENDLER_PARALLELISM", Integer.toString(settings.renderParallelism()));
        settings.chromium().ifPresent(path -> renderEnv.put("RENDLER_CHROMIUM", path.toString()));
        if (!settings.chromiumArgs().isEmpty()) renderEnv.put("RENDLER_CHROMIUM_ARGS", String.join("\n", settings.chromiumArgs()));
        renderEnv.putAll(settings.captureSwitches());
        launches.put(TaskKind.RENDER, new TaskInfos.ExecutorLaunch(files.jarUrl(MesosSettings.RENDER_JAR),
                JAVA + MesosSettings.RENDER_JAR, SIZING.get(TaskKind.RENDER).executor(), renderEnv));
        Map<TaskKind, Resources> taskResources = Map.of(
                TaskKind.CRAWL, SIZING.get(TaskKind.CRAWL).task(), TaskKind.RENDER, SIZING.get(TaskKind.RENDER).task());
        return new TaskInfos(frameworkId, launches, taskResources);
    }

    /** Render executors may run on another machine: they PUT the screenshot back to us. */
    private TaskRequest withUploadUrl(TaskRequest request) {
        if (request.kind() != TaskKind.RENDER) return request;
        return TaskRequest.render(request.taskId(), request.url(), request.limits(), request.screenshotName(),
                files.uploadUrl(request.screenshotName()));
    }

    @Override
    public Optional<RuntimeException> failure() {
        String reason = stoppedReason;
        return reason == null || finishing ? Optional.empty()
                : Optional.of(new SetupException("lost the Mesos master at " + settings.master() + ": " + reason));
    }

    @Override
    public void killRunning() {
        if (scheduler != null) scheduler.killAll();
    }

    @Override
    public void close() {
        finishing = true;
        if (scheduler != null) {
            scheduler.killAll();
            scheduler.teardown();
        }
        if (client != null) client.close();
        if (files != null) files.close();
    }

    private final class Listener implements SchedulerClient.Listener {
        @Override
        public void subscribed(FrameworkID frameworkId, Event.Subscribed subscribed) {
            scheduler.subscribed(frameworkId);
            if (firstSubscription.getCount() > 0) log.accept("registered with Mesos as framework " + frameworkId.getValue());
            firstSubscription.countDown();
        }

        @Override
        public void event(Event event) {
            scheduler.event(event);
        }

        @Override
        public void disconnected(String reason) {
            log.accept("lost the Mesos master (" + reason + "); resubscribing, tasks keep running for up to "
                    + settings.failoverTimeout().toSeconds() + "s");
        }

        @Override
        public void stopped(String reason) {
            stoppedReason = reason;
            firstSubscription.countDown();
            if (!finishing) coordinator.stop("Mesos connection ended: " + reason);
        }
    }
}
