package io.rendler.mesossim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;

/**
 * A single-process Mesos master plus one agent that speaks the v1 scheduler and executor HTTP
 * APIs byte for byte as recorded in {@code testdata/mesos-wire} (see that README; the numbered
 * "surprises" are cited in the code where they bite). Executors are real child processes.
 *
 * <pre>{@code
 * try (MesosSimulator mesos = MesosSimulator.builder().heartbeatInterval(Duration.ofSeconds(1)).start()) {
 *     URI scheduler = mesos.schedulerEndpoint();      // http://127.0.0.1:<port>/api/v1/scheduler
 *     ... run the framework against mesos.masterAddress() ...
 *     mesos.await(Duration.ofSeconds(10), "task finished",
 *             () -> mesos.taskState("task-1").orElse(null) == TaskState.TASK_FINISHED);
 * }
 * }</pre>
 *
 * <p>Fault injection and observation are plain methods; all are thread-safe.
 */
public final class MesosSimulator implements AutoCloseable {

    private final Cluster cluster;
    private final RawHttpServer masterServer;
    private final RawHttpServer agentServer;
    private final java.util.concurrent.ScheduledFuture<?> allocator;
    private final Thread killExecutorsOnExit;

    private MesosSimulator(SimConfig config) throws IOException {
        cluster = new Cluster(config);
        RawHttpServer master = null;
        try {
            master = new RawHttpServer("master", config.masterPort(), Endpoints.master(cluster));
            agentServer = new RawHttpServer("agent", config.agentPort(), Endpoints.agent(cluster));
        } catch (IOException e) {
            if (master != null) master.close();
            cluster.close();
            throw e;
        }
        masterServer = master;
        cluster.ports(masterServer.port(), agentServer.port());
        allocator = cluster.every(config.allocationInterval(), cluster.master::allocate);
        // Child processes outlive a JVM that dies without close(); this hook prevents that.
        killExecutorsOnExit = new Thread(cluster.agent::killAll, "mesossim-kill-executors");
        Runtime.getRuntime().addShutdownHook(killExecutorsOnExit);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Equivalent to {@code builder().start()}: all defaults, ephemeral ports. */
    public static MesosSimulator start() {
        return builder().start();
    }

    // ---- endpoints ---------------------------------------------------------------------------

    /** {@code 127.0.0.1:<port>}, what {@code rendler --master} takes. */
    public String masterAddress() {
        return "127.0.0.1:" + masterServer.port();
    }

    public int masterPort() {
        return masterServer.port();
    }

    public URI schedulerEndpoint() {
        return URI.create("http://" + masterAddress() + "/api/v1/scheduler");
    }

    public URI stateEndpoint() {
        return URI.create("http://" + masterAddress() + "/state");
    }

    /** {@code 127.0.0.1:<port>}, as executors find it in MESOS_AGENT_ENDPOINT. */
    public String agentEndpoint() {
        return "127.0.0.1:" + agentServer.port();
    }

    public int agentPort() {
        return agentServer.port();
    }

    public String masterId() {
        return cluster.masterId;
    }

    public String agentId() {
        return cluster.agentId;
    }

    /** Where sandboxes live: {@code slaves/<agent>/frameworks/<fw>/executors/<ex>/runs/<container>}. */
    public Path workDir() {
        return cluster.config.workDir();
    }

    // ---- fault injection ---------------------------------------------------------------------

    /** Closes every scheduler event stream abruptly (no 0-chunk), as a network failure would. */
    public void dropSchedulerConnection() {
        cluster.master.dropConnections(null);
    }

    public void dropSchedulerConnection(String frameworkId) {
        cluster.master.dropConnections(frameworkId);
    }

    /**
     * SIGKILLs the process group of every executor whose id equals or starts with the argument
     * (so {@code "crawl"} hits {@code crawl-executor-1}). The scheduler then gets FAILURE with
     * status 9 and TASK_FAILED for the executor's unfinished tasks. Returns how many were killed.
     */
    public int killExecutor(String executorIdOrPrefix) {
        return cluster.agent.killExecutors(executorIdOrPrefix);
    }

    /** Drops the next {@code count} executor-to-scheduler MESSAGEs (they are best effort in Mesos). */
    public void dropNextFrameworkMessages(int count) {
        cluster.faults.dropNextFrameworkMessages(count);
    }

    /** Drops every executor-to-scheduler MESSAGE whose data matches, until replaced. */
    public void dropFrameworkMessagesWhere(Predicate<byte[]> filter) {
        cluster.faults.dropFrameworkMessagesWhere(filter);
    }

    public int droppedFrameworkMessages() {
        return cluster.faults.droppedFrameworkMessages();
    }

    /**
     * Makes this master a non-leader: every {@code /api/v1/scheduler} request, SUBSCRIBE included,
     * gets {@code 307} with {@code Location: //127.0.0.1:<leader port>/api/v1/scheduler}.
     */
    public void redirectToLeader(MesosSimulator leader) {
        redirectToLeader(leader.masterAddress());
    }

    /** As {@link #redirectToLeader(MesosSimulator)}, for any {@code host:port}. */
    public void redirectToLeader(String leaderHostPort) {
        cluster.faults.redirectTo("//" + leaderHostPort + "/api/v1/scheduler");
    }

    public void becomeLeader() {
        cluster.faults.redirectTo(null);
    }

    /** Stops periodic HEARTBEAT events on every stream (the ones right after SUBSCRIBED still go). */
    public void pauseHeartbeats() {
        cluster.faults.pauseHeartbeats(true);
    }

    public void resumeHeartbeats() {
        cluster.faults.pauseHeartbeats(false);
    }

    /** Takes back every outstanding offer with a RESCIND event. */
    public void rescindOffers() {
        cluster.master.rescindAllOffers();
    }

    // ---- observation -------------------------------------------------------------------------

    /** Scheduler calls the master accepted (200/202), by type. Rejected calls are not counted. */
    public int schedulerCallCount(org.apache.mesos.v1.scheduler.Protos.Call.Type type) {
        return cluster.observations.schedulerCalls(type);
    }

    /** Executor calls the agent accepted, by type. */
    public int executorCallCount(org.apache.mesos.v1.executor.Protos.Call.Type type) {
        return cluster.observations.executorCalls(type);
    }

    /** Every task the master accepted, in order, as sent to the executor. */
    public List<TaskInfo> launchedTasks() {
        return cluster.observations.launchedTasks();
    }

    /** Every executor process started, in order. */
    public List<StartedExecutor> startedExecutors() {
        return cluster.observations.startedExecutors();
    }

    /** Every event sent on any of this framework's streams, in order. */
    public List<org.apache.mesos.v1.scheduler.Protos.Event> schedulerEvents(String frameworkId) {
        return cluster.observations.schedulerEvents(frameworkId);
    }

    /** Every event sent to executors with this id, in order. */
    public List<org.apache.mesos.v1.executor.Protos.Event> executorEvents(String executorId) {
        return cluster.observations.executorEvents(executorId);
    }

    /** Registered and not torn down (it may be disconnected and inside its failover timeout). */
    public boolean isFrameworkRegistered(String frameworkId) {
        return cluster.master.frameworkViews().stream().anyMatch(f -> f.info().getId().getValue().equals(frameworkId));
    }

    public boolean isFrameworkConnected(String frameworkId) {
        return cluster.master.frameworkViews().stream()
                .anyMatch(f -> f.info().getId().getValue().equals(frameworkId) && f.connected());
    }

    public List<String> registeredFrameworkIds() {
        return cluster.master.frameworkViews().stream().map(f -> f.info().getId().getValue()).toList();
    }

    /** The latest state the agent knows for a task id (any framework), if it knows the task. */
    public Optional<TaskState> taskState(String taskId) {
        return cluster.master.taskState(taskId);
    }

    public int outstandingOffers() {
        return cluster.master.outstandingOffers();
    }

    /** ACKNOWLEDGE calls that matched no outstanding update (the call still got 202). */
    public int ignoredAcknowledgements() {
        return cluster.observations.ignoredAcknowledgements();
    }

    /**
     * Polls {@code condition} every 10 ms until it holds; throws AssertionError naming
     * {@code what} after {@code timeout}.
     */
    public void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    /**
     * Stops both servers, kills every executor process and deletes a work dir the simulator made
     * (unless {@code -Dmesossim.keepWorkDir=true}, handy when a sandbox's stderr is the clue).
     */
    @Override
    public void close() {
        if (allocator != null) allocator.cancel(false);
        try {
            Runtime.getRuntime().removeShutdownHook(killExecutorsOnExit);
        } catch (IllegalStateException alreadyExiting) {
            // the hook is running or has run
        }
        cluster.agent.killAll();
        cluster.close();
        masterServer.close();
        agentServer.close();
        if (cluster.config.deleteWorkDirOnClose() && !Boolean.getBoolean("mesossim.keepWorkDir")) {
            deleteRecursively(cluster.config.workDir());
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) return;
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("mesossim: could not delete " + root + ": " + e);
        }
    }

    /** Start-up settings. Defaults are real Mesos defaults unless a method says otherwise. */
    public static final class Builder {
        private int masterPort;
        private int agentPort;
        private String hostname = "127.0.0.1";
        private double cpus = 2;
        private double memMb = 4096;
        private double diskMb = 10000;
        private long portsBegin = 31000;
        private long portsEnd = 32000;
        private Duration heartbeatInterval = Duration.ofSeconds(15);
        private Duration allocationInterval = Duration.ofSeconds(1);
        private Duration executorRegistrationTimeout = Duration.ofMinutes(1);
        private Duration executorShutdownGracePeriod = Duration.ofSeconds(5);
        private Duration statusUpdateRetryInterval = Duration.ofSeconds(10);
        private Path workDir;
        private String executorPath;
        private Path frameworksHome;
        private String version = "1.12.0";

        private Builder() {}

        /** 0 (the default) picks a free port. Real Mesos uses 5050. */
        public Builder masterPort(int port) {
            this.masterPort = port;
            return this;
        }

        /** 0 (the default) picks a free port. Real Mesos uses 5051. */
        public Builder agentPort(int port) {
            this.agentPort = port;
            return this;
        }

        public Builder hostname(String hostname) {
            this.hostname = hostname;
            return this;
        }

        /** The agent's resources; defaults cpus 2, mem 4096, disk 10000, ports [31000-32000]. */
        public Builder resources(double cpus, double memMb, double diskMb) {
            this.cpus = cpus;
            this.memMb = memMb;
            this.diskMb = diskMb;
            return this;
        }

        public Builder ports(long begin, long end) {
            this.portsBegin = begin;
            this.portsEnd = end;
            return this;
        }

        /** Periodic HEARTBEAT interval, also sent as heartbeat_interval_seconds. Mesos: 15 s, fixed. */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = interval;
            return this;
        }

        /** How often unused resources are offered again. Mesos' --allocation_interval: 1 s. */
        public Builder allocationInterval(Duration interval) {
            this.allocationInterval = interval;
            return this;
        }

        /** Mesos' --executor_registration_timeout: 1 min. */
        public Builder executorRegistrationTimeout(Duration timeout) {
            this.executorRegistrationTimeout = timeout;
            return this;
        }

        /** Between SHUTDOWN and the kill. Mesos' --executor_shutdown_grace_period: 5 s. */
        public Builder executorShutdownGracePeriod(Duration period) {
            this.executorShutdownGracePeriod = period;
            return this;
        }

        /** First resend of an unacknowledged status update (doubling up to 10 min). Mesos: 10 s. */
        public Builder statusUpdateRetryInterval(Duration interval) {
            this.statusUpdateRetryInterval = interval;
            return this;
        }

        /** Sandbox root. By default a temporary directory, deleted on close. */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /** PATH for executors. Default: this JVM's PATH (so {@code java} is found), unlike Mesos. */
        public Builder executorPath(String path) {
            this.executorPath = path;
            return this;
        }

        /** Gives executors the PATH a real agent gives them, as recorded in executor-env-*.txt. */
        public Builder mesosDefaultExecutorPath() {
            return executorPath(ExecutorLauncher.MESOS_DEFAULT_PATH);
        }

        /** Where relative CommandInfo.URI paths resolve (Mesos' --frameworks_home); unset by default. */
        public Builder frameworksHome(Path directory) {
            this.frameworksHome = directory;
            return this;
        }

        /** The version in MasterInfo and /version; "1.12.0" as recorded. */
        public Builder version(String version) {
            this.version = version;
            return this;
        }

        public MesosSimulator start() {
            boolean ownWorkDir = workDir == null;
            try {
                Path dir = ownWorkDir ? Files.createTempDirectory("mesossim-") : workDir;
                Resources agentResources = Resources.scalar("cpus", cpus)
                        .plus(Resources.scalar("mem", memMb))
                        .plus(Resources.scalar("disk", diskMb))
                        .plus(Resources.ranges("ports", portsBegin, portsEnd));
                return new MesosSimulator(new SimConfig(masterPort, agentPort, hostname, agentResources,
                        heartbeatInterval, allocationInterval, executorRegistrationTimeout, executorShutdownGracePeriod,
                        statusUpdateRetryInterval, dir.toAbsolutePath(), ownWorkDir, executorPath, frameworksHome, version));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the Mesos simulator", e);
            }
        }
    }
}
