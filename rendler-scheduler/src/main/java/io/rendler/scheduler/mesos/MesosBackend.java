package io.rendler.scheduler.mesos;

import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import io.rendler.mesos.ExecutorEnvironment;
import io.rendler.mesos.FrameworkInfos;
import io.rendler.mesos.MesosIds;
import io.rendler.mesos.SchedulerClient;
import io.rendler.scheduler.journal.MesosRegistration;
import io.rendler.scheduler.run.ClusterBackend;
import io.rendler.scheduler.run.CrawlCoordinator;
import io.rendler.scheduler.run.SetupException;
import io.rendler.scheduler.ui.ClusterWatch;
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

    /** Tasks queued per executor slot; see {@link #sizing}. */
    static final int CRAWL_TASKS_PER_SLOT = 16;
    static final int RENDER_TASKS_PER_SLOT = 16;

    /**
     * What each executor holds and what each task adds. The render executor runs {@code parallelism}
     * Chromium slots for its whole life, so their share of cpus and memory is the executor's; a task
     * is a queued work item with a token share. Queue depths keep the slots busy between offers,
     * which the master makes about once a second per agent (its allocation interval): a render
     * executor does several pages a second per slot, a crawl executor far more.
     */
    static Map<TaskKind, OfferPacker.Sizing> sizing(int crawlParallelism, int renderParallelism) {
        return Map.of(
                TaskKind.CRAWL, new OfferPacker.Sizing(new Resources(0.01, 4), new Resources(0.2, 320),
                        CRAWL_TASKS_PER_SLOT * crawlParallelism),
                TaskKind.RENDER, new OfferPacker.Sizing(new Resources(0.01, 8),
                        new Resources(0.1 + 0.3 * renderParallelism, 256 + 384 * renderParallelism),
                        RENDER_TASKS_PER_SLOT * renderParallelism));
    }

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
    private final Optional<MesosRegistration> resumeAs;
    private final Consumer<MesosRegistration> registered;
    private volatile CountDownLatch firstSubscription = new CountDownLatch(1);
    private volatile boolean everSubscribed;
    private volatile String stoppedReason;
    private volatile RuntimeException internalError;
    private volatile boolean finishing;
    private Map<TaskKind, OfferPacker.Sizing> sizing;
    private FileServer files;
    private SchedulerClient client;
    private MesosScheduler scheduler;
    private CrawlCoordinator coordinator;
    private final ClusterActivityLog activity;

    public MesosBackend(MesosSettings settings, Path screenshotDir, Consumer<String> log) {
        this(settings, screenshotDir, log, Optional.empty(), registration -> { });
    }

    /**
     * @param resumeAs   the framework of an interrupted crawl to take back, with its tasks still running
     * @param registered hears the framework and file server this crawl runs as, once subscribed (the journal)
     */
    public MesosBackend(MesosSettings settings, Path screenshotDir, Consumer<String> log, Optional<MesosRegistration> resumeAs,
            Consumer<MesosRegistration> registered) {
        this.settings = settings;
        this.screenshotDir = screenshotDir;
        this.log = log;
        this.resumeAs = resumeAs;
        this.registered = registered;
        this.activity = new ClusterActivityLog(settings.master(), System::currentTimeMillis);
    }

    @Override
    public String describe() {
        return "Mesos master " + settings.master();
    }

    @Override
    public void start(CrawlCoordinator coordinator) {
        this.coordinator = coordinator;
        // A resumed crawl serves where its running executors were told to fetch and upload: their
        // ExecutorInfo names the jar URLs, and the master refuses a launch whose ExecutorInfo differs.
        files = new FileServer(settings.fileServerBind(), settings.advertiseHost(), settings.jars(), screenshotDir,
                FileServer.Limits.defaults(settings.screenshotBudget()),
                resumeAs.map(MesosRegistration::fileServerPort).orElse(0),
                resumeAs.map(MesosRegistration::uploadToken).orElseGet(FileServer::newToken));
        FrameworkInfo info = FrameworkInfos.create(settings.frameworkName(), settings.user(), settings.role(),
                settings.failoverTimeout(), true);
        if (settings.credential().isPresent()) info = FrameworkInfos.withPrincipal(info, settings.credential().get().principal());
        sizing = sizing(settings.crawlParallelism(), settings.renderParallelism());
        scheduler = new MesosScheduler(coordinator, new OfferPacker(sizing), this::taskInfos, this::withUploadUrl,
                settings.role(), call -> {
                    client.send(call);
                    tell(() -> activity.sent(call));
                }, log);
        coordinator.onWorkAvailable(scheduler::workAvailable);
        if (resumeAs.isEmpty()) {
            subscribe(info);
            return;
        }
        scheduler.adopt(coordinator.runningTasks());
        String frameworkId = resumeAs.get().frameworkId();
        subscribe(FrameworkInfos.withId(info, MesosIds.frameworkId(frameworkId)));
        if (stoppedReason != null && stoppedReason.contains(FRAMEWORK_REMOVED)) {
            log.accept("the master has removed framework " + frameworkId + " (it was gone longer than its failover timeout),"
                    + " and its tasks with it; registering as a new framework, and those tasks run again");
            client.close();
            scheduler.forgetAdopted("lost with framework " + frameworkId);
            stoppedReason = null;
            subscribe(info);
        }
    }

    /** Mesos' ERROR to a SUBSCRIBE naming a framework that its failover timeout has removed. */
    private static final String FRAMEWORK_REMOVED = "Framework has been removed";

    /** Subscribes with {@code info} and waits for the answer; a SetupException when there is none or a refusal. */
    private void subscribe(FrameworkInfo info) {
        SchedulerClient.Config config = SchedulerClient.Config.defaults(SchedulerClient.Config.masterUri(settings.master()))
                .withGiveUpAfter(settings.failoverTimeout())
                .withEncoding(settings.encoding());
        if (settings.credential().isPresent()) config = config.withCredential(settings.credential().get());
        firstSubscription = new CountDownLatch(1);
        tell(() -> activity.subscribing(info.hasId()));
        client = new SchedulerClient(config, info, new Listener());
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
        if (stoppedReason != null && info.hasId() && stoppedReason.contains(FRAMEWORK_REMOVED)) return; // see start()
        if (stoppedReason != null) {
            throw new SetupException("cannot use the Mesos master at " + settings.master() + ": " + stoppedReason);
        }
    }

    private TaskInfos taskInfos(FrameworkID frameworkId) {
        Map<TaskKind, TaskInfos.ExecutorLaunch> launches = new LinkedHashMap<>();
        String encoding = settings.encoding().label();
        launches.put(TaskKind.CRAWL, new TaskInfos.ExecutorLaunch(files.jarUrl(MesosSettings.CRAWL_JAR),
                JAVA + MesosSettings.CRAWL_JAR,
                sizing.get(TaskKind.CRAWL).executor(),
                Map.of("RENDLER_PARALLELISM", Integer.toString(settings.crawlParallelism()),
                        ExecutorEnvironment.ENCODING_VARIABLE, encoding)));
        Map<String, String> renderEnv = new LinkedHashMap<>();
        renderEnv.put("RENDLER_PARALLELISM", Integer.toString(settings.renderParallelism()));
        renderEnv.put(ExecutorEnvironment.ENCODING_VARIABLE, encoding);
        settings.chromium().ifPresent(path -> renderEnv.put("RENDLER_CHROMIUM", path.toString()));
        if (!settings.chromiumArgs().isEmpty()) renderEnv.put("RENDLER_CHROMIUM_ARGS", String.join("\n", settings.chromiumArgs()));
        launches.put(TaskKind.RENDER, new TaskInfos.ExecutorLaunch(files.jarUrl(MesosSettings.RENDER_JAR),
                JAVA + MesosSettings.RENDER_JAR, sizing.get(TaskKind.RENDER).executor(), renderEnv));
        Map<TaskKind, Resources> taskResources = Map.of(
                TaskKind.CRAWL, sizing.get(TaskKind.CRAWL).task(), TaskKind.RENDER, sizing.get(TaskKind.RENDER).task());
        return new TaskInfos(frameworkId, launches, taskResources);
    }

    /** Render executors may run on another machine: they PUT the screenshot back to us. */
    private TaskRequest withUploadUrl(TaskRequest request) {
        if (request.kind() != TaskKind.RENDER) return request;
        return request.withUploadUrl(
                files.uploadUrl(request.screenshotName(), request.limits().viewportWidth(), request.limits().viewportHeight(),
                        request.limits().maxScreenshotHeight()));
    }

    @Override
    public Optional<RuntimeException> failure() {
        if (internalError != null) return Optional.of(internalError);
        String reason = stoppedReason;
        return reason == null || finishing ? Optional.empty()
                : Optional.of(new SetupException("gave up on the Mesos master at " + settings.master() + ": " + reason));
    }

    @Override
    public Optional<String> clusterSummary() {
        return scheduler == null ? Optional.empty() : Optional.of("mesos: " + scheduler.eventCounts().summary());
    }

    @Override
    public Optional<ClusterWatch> clusterWatch() {
        return Optional.of(activity);
    }

    @Override
    public void killRunning() {
        if (scheduler != null) scheduler.killAll();
    }

    @Override
    public void close() {
        finishing = true;
        // Once the client has stopped nothing can be sent; KILL and TEARDOWN would each only log a failure.
        if (scheduler != null && stoppedReason == null) {
            scheduler.killAll();
            scheduler.teardown();
        }
        if (client != null) client.close();
        if (files != null) files.close();
    }

    /** Tells the live view's {@link ClusterActivityLog}; a fault there must never cost the crawl anything. */
    private static void tell(Runnable note) {
        try {
            note.run();
        } catch (RuntimeException e) {
            // The live view is a window on the run; it misses this one.
        }
    }

    private final class Listener implements SchedulerClient.Listener {
        @Override
        public void subscribed(FrameworkID frameworkId, Event.Subscribed subscribed) {
            if (firstSubscription.getCount() > 0) {
                boolean same = resumeAs.map(r -> r.frameworkId().equals(frameworkId.getValue())).orElse(false);
                log.accept((same ? "took back framework " : "registered with Mesos as framework ") + frameworkId.getValue());
                if (!same) registered.accept(new MesosRegistration(frameworkId.getValue(), files.address().getPort(), files.token()));
            }
            tell(() -> activity.subscribed(frameworkId));
            scheduler.subscribed(frameworkId);
            everSubscribed = true;
            firstSubscription.countDown();
        }

        /**
         * A bug in handling one event must not cost the user the crawl: instead of the transport's
         * exit 70 with nothing written, the run stops, writes what it has, and exits 1 with the trace.
         */
        @Override
        public void event(Event event) {
            if (internalError != null) return;
            try {
                tell(() -> activity.received(event));
                scheduler.event(event);
            } catch (RuntimeException e) {
                internalError = new IllegalStateException("internal error while handling a Mesos " + event.getType()
                        + " event (" + e + "); the run stopped and wrote what it had", e);
                e.printStackTrace(System.err);
                coordinator.stop("internal error");
            }
        }

        @Override
        public void disconnected(String reason) {
            tell(() -> activity.disconnected(reason));
            log.accept("lost the Mesos master (" + reason + "); resubscribing, tasks keep running for up to "
                    + settings.failoverTimeout().toSeconds() + "s");
        }

        @Override
        public void stopped(String reason) {
            stoppedReason = reason;
            tell(() -> activity.ended(reason));
            firstSubscription.countDown();
            // Before the first SUBSCRIBED, start() decides: it may subscribe anew, or fail the run.
            if (!finishing && everSubscribed) coordinator.stop("Mesos connection ended: " + reason);
        }
    }
}
