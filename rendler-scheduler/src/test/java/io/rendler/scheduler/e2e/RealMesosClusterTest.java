package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import io.rendler.scheduler.demo.DemoSite;
import io.rendler.scheduler.e2e.RealCluster.Agent;
import io.rendler.scheduler.e2e.RealCluster.Task;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rendler --master} on a real Mesos cluster (a master and at least two agents), clean and
 * with faults: the same graph and screenshots as local mode on the demo site, every page once,
 * whatever the cluster does. Runs when {@value RealCluster#MASTER_ENV} names the master; the fault
 * tests also need {@value RealCluster#SCRIPT_ENV}, the cluster.sh that runs the cluster on this
 * machine. {@code .ci/run} sets both. Each test leaves the cluster as it found it.
 */
@EnabledIfEnvironmentVariable(named = RealCluster.MASTER_ENV, matches = ".+",
        disabledReason = RealCluster.MASTER_ENV + " is not set, so there is no real Mesos cluster to run against")
class RealMesosClusterTest {

    private static final String NO_SCRIPT = RealCluster.SCRIPT_ENV + " is not set, so faults cannot be injected into the cluster";
    private static final Duration TASKS_START = Duration.ofSeconds(120);

    private static RealCluster cluster;
    private static DemoSite site;
    private static SiteOracle oracle;
    private static String advertiseHost;

    @BeforeAll
    static void start() throws Exception {
        cluster = RealCluster.fromEnvironment();
        // Agents elsewhere must reach the site and the file server: RENDLER_TEST_ADVERTISE_HOST says where.
        advertiseHost = System.getenv().getOrDefault("RENDLER_TEST_ADVERTISE_HOST", "127.0.0.1");
        site = DemoSite.start(InetAddress.getByName(advertiseHost), 0);
        oracle = SiteOracle.crawl(site.startUrl());
    }

    @AfterAll
    static void stop() {
        if (site != null) site.close();
    }

    @AfterEach
    void restoreCluster() {
        cluster.restore();
    }

    private ClusterCrawl crawl(Path out) throws Exception {
        return ClusterCrawl.start(cluster, site.startUrl(), advertiseHost, out);
    }

    @Test
    void aCrawlRunsOnBothAgentsAndItsScreenshotsComeBackByUpload(@TempDir Path out) throws Exception {
        List<Agent> agents = cluster.activeAgents();
        assumeTrue(agents.size() >= 2, "the cluster has " + agents.size() + " agent(s); this test needs 2");
        try (ClusterCrawl crawl = crawl(out)) {
            String id = crawl.frameworkId();
            RealCluster.await(TASKS_START, "the master lists framework " + id + " as rendler, active, with tasks running", () -> cluster.activeFramework(id)
                    .filter(f -> f.get("name").getAsString().equals("rendler") && f.get("active").getAsBoolean())
                    .filter(f -> f.getAsJsonArray("tasks").size() > 0)
                    .isPresent());
            crawl.finish();
            crawl.assertCompleteGraph(oracle);

            // TEARDOWN at the end moves the framework to the completed ones.
            RealCluster.await(Duration.ofSeconds(30), "framework " + id + " under completed_frameworks",
                    () -> cluster.activeFramework(id).isEmpty() && cluster.completedFramework(id).isPresent());
            // One task per page and kind, each finished at the first attempt, on both agents; and
            // one warm-up per agent, which started its render executor before the first page.
            List<Task> all = cluster.tasks(id);
            List<Task> warmUps = all.stream().filter(Task::warmUp).toList();
            assertEquals(agents.size(), warmUps.size(), warmUps.toString());
            assertEquals(agents.size(), warmUps.stream().map(Task::agentId).distinct().count(), warmUps.toString());
            assertTrue(warmUps.stream().allMatch(t -> t.state().equals("TASK_FINISHED") && t.executorId().equals("rendler-render")),
                    warmUps.toString());
            List<Task> tasks = all.stream().filter(t -> !t.warmUp()).toList();
            assertEquals(oracle.statusByUrl().size() + oracle.htmlPages().size(), tasks.size(), tasks.toString());
            assertTrue(tasks.stream().allMatch(t -> t.state().equals("TASK_FINISHED") && t.id().endsWith("-1")), tasks.toString());
            Set<String> agentsUsed = tasks.stream().map(Task::agentId).collect(Collectors.toSet());
            assertEquals(agents.stream().map(Agent::id).collect(Collectors.toSet()), agentsUsed, "every agent ran tasks");

            assertScreenshotsCameOnlyByUpload(id, crawl.runDir());
        }
    }

    /**
     * The render executors PUT each PNG to rendler's file server and keep no copy: their sandboxes
     * (read through the agent's /files API, as a user would browse them) hold no screenshot, so
     * every PNG in the output came by upload.
     */
    private static void assertScreenshotsCameOnlyByUpload(String frameworkId, Path runDir) throws Exception {
        int sandboxes = 0;
        for (Agent agent : cluster.activeAgents()) {
            Optional<String> sandbox = cluster.sandbox(agent, frameworkId, "rendler-render");
            if (sandbox.isEmpty()) continue;
            sandboxes++;
            List<String> kept = cluster.listFiles(agent, sandbox.get() + "/screenshots");
            assertEquals(List.of(), kept, "the render executor on " + agent + " kept copies of what it uploaded");
        }
        assertEquals(cluster.activeAgents().size(), sandboxes, "a render executor ran on every agent");
        List<Path> screenshots;
        try (Stream<Path> files = Files.list(runDir.resolve("screenshots"))) {
            screenshots = files.toList();
        }
        assertEquals(oracle.htmlPages().size(), screenshots.size());
    }

    @Test
    void aFrameworkMessageThatIsNotAResultDoesNotStopTheCrawl(@TempDir Path out) throws Exception {
        byte[] bogus = "{\"kind\":\"CRAWL\"}".getBytes(StandardCharsets.UTF_8);
        try (ClusterCrawl crawl = crawl(out)) {
            String id = crawl.frameworkId();
            // Anyone who can reach an agent can send this, once the executor it names has subscribed there.
            RealCluster.awaitValue(TASKS_START, "an agent forwards a message from rendler-crawl (202)", () -> cluster.activeAgents().stream()
                    .filter(agent -> cluster.sendAsExecutor(agent, id, "rendler-crawl", bogus) == 202)
                    .findFirst());
            crawl.finish();
            crawl.assertCompleteGraph(oracle);
        }
    }

    @Test
    @EnabledIfEnvironmentVariable(named = RealCluster.SCRIPT_ENV, matches = ".+", disabledReason = NO_SCRIPT)
    void anExecutorKilledMidTaskLosesNoPage(@TempDir Path out) throws Exception {
        try (ClusterCrawl crawl = crawl(out)) {
            String id = crawl.frameworkId();
            RenderExecutor executor = renderExecutorAtWork(id);
            Agent agent = executor.agent();
            // Renders take a few hundred ms each: kill the moment the master sees one in flight there again.
            RealCluster.await(TASKS_START, "a render task in flight on " + agent,
                    () -> renderInFlight(cluster.tasks(id)).filter(t -> t.agentId().equals(agent.id())).isPresent());
            assertTrue(executor.jvm().destroyForcibly(), "SIGKILL to " + executor.jvm().pid());

            String log = crawl.finish();
            crawl.assertCompleteGraph(oracle);
            // The master's FAILURE for the executor reached rendler, and a new render executor took over.
            assertTrue(log.contains("rendler-render on agent " + agent.id() + " ended: killed by signal 9"), log);
        }
    }

    @Test
    @EnabledIfEnvironmentVariable(named = RealCluster.SCRIPT_ENV, matches = ".+", disabledReason = NO_SCRIPT)
    void anAgentStoppedAndRestartedMidCrawlKeepsItsExecutorsAndLosesNoPage(@TempDir Path out) throws Exception {
        try (ClusterCrawl crawl = crawl(out)) {
            String id = crawl.frameworkId();
            RenderExecutor executor = renderExecutorAtWork(id);
            int agent = cluster.number(executor.agent());

            cluster.stopAgent(agent);
            cluster.startAgent(agent);
            // Recovered from its checkpoint: the same executor process, resubscribed to the new agent process.
            assertTrue(executor.jvm().isAlive(), "the render executor outlived its agent's restart");
            assertEquals(Optional.of(executor.sandbox()), cluster.sandbox(cluster.agent(executor.agent().id()), id, "rendler-render"));

            crawl.finish();
            crawl.assertCompleteGraph(oracle);
        }
    }

    @Test
    @EnabledIfEnvironmentVariable(named = RealCluster.SCRIPT_ENV, matches = ".+", disabledReason = NO_SCRIPT)
    void anAgentKilledForGoodHasItsTasksRetriedOnTheOtherAgent(@TempDir Path out) throws Exception {
        assumeTrue(cluster.activeAgents().size() >= 2, "this test needs 2 agents");
        try (ClusterCrawl crawl = crawl(out)) {
            String id = crawl.frameworkId();
            String dead = awaitRenderInFlight(id).agentId();
            cluster.killAgent(cluster.number(cluster.agent(dead)));

            // The master gives up on the agent after its ping timeouts (about 75 s); then its tasks are LOST.
            String log = crawl.finish();
            crawl.assertCompleteGraph(oracle);
            assertTrue(log.contains("TASK_LOST"), "rendler heard that the dead agent's tasks were lost:\n" + log);
            List<Task> retries = cluster.tasks(id).stream().filter(t -> !t.warmUp() && !t.id().endsWith("-1")).toList();
            assertFalse(retries.isEmpty(), "pages of the dead agent's tasks got another attempt");
            assertTrue(retries.stream().allMatch(t -> !t.agentId().equals(dead) && t.state().equals("TASK_FINISHED")),
                    "every retry finished on the other agent: " + retries);
        }
    }

    @Test
    @EnabledIfEnvironmentVariable(named = RealCluster.SCRIPT_ENV, matches = ".+", disabledReason = NO_SCRIPT)
    void theMasterRestartedMidCrawlLosesNoPage(@TempDir Path out) throws Exception {
        try (ClusterCrawl crawl = crawl(out)) {
            String id = crawl.frameworkId();
            awaitRenderInFlight(id);
            // Returns when the agents are back: without ZooKeeper they look for the new master only after
            // 75 s without its pings, and until then the crawl waits for their updates and offers.
            cluster.restartMaster();
            // The new master knew nothing of rendler until it resubscribed with its framework id. Once the
            // agents are back the crawl may end within seconds, so finished counts as resubscribed too.
            RealCluster.await(Duration.ofSeconds(60), "framework " + id + " resubscribed to the new master",
                    () -> cluster.activeFramework(id).filter(f -> f.get("active").getAsBoolean()).isPresent()
                            || cluster.completedFramework(id).isPresent());

            String log = crawl.finish();
            crawl.assertCompleteGraph(oracle);
            assertTrue(log.contains("lost the Mesos master"), log);
            assertTrue(cluster.completedFramework(id).isPresent(), "TEARDOWN reached the new master");
        }
    }

    /**
     * The scheduler dies with SIGKILL mid-crawl and {@code rendler --resume} starts within the
     * failover timeout: the master shows one framework throughout, no page's task is launched again
     * while one is running, and the graph is the whole site's.
     */
    @Test
    void aSchedulerKilledMidCrawlAndResumedKeepsItsFrameworkAndLaunchesNoRunningTaskTwice(@TempDir Path out) throws Exception {
        Set<String> frameworksBefore = cluster.frameworkIds();
        String id;
        try (ClusterCrawl crawl = crawl(out)) {
            id = crawl.frameworkId();
            awaitRenderInFlight(id);
            RealCluster.await(TASKS_START, "results in the journal", () -> journal(crawl.runDir()).count("result") >= 10);
            crawl.kill();
        }
        // The master keeps the framework, disconnected, and its tasks running, for the failover timeout.
        JsonObject orphan = cluster.activeFramework(id).orElseThrow(() -> new AssertionError("the master dropped " + id));
        assertFalse(orphan.get("active").getAsBoolean() && orphan.get("connected").getAsBoolean(), orphan.toString());

        try (ClusterCrawl resumed = ClusterCrawl.resume(cluster, out)) {
            assertEquals(id, resumed.frameworkId(), "the resumed scheduler subscribed as the same framework");
            String log = resumed.finish();
            resumed.assertCompleteGraph(oracle);
            assertTrue(log.contains("took back framework " + id) && log.contains("reconciling"), log);
        }
        Set<String> frameworksAfter = cluster.frameworkIds();
        frameworksAfter.removeAll(frameworksBefore);
        assertEquals(Set.of(id), frameworksAfter, "one framework throughout");
        assertTrue(cluster.completedFramework(id).isPresent(), "TEARDOWN at the end of the resumed run");

        Map<String, List<Task>> byWork = cluster.tasks(id).stream().filter(t -> !t.warmUp())
                .sorted(Comparator.comparingDouble(Task::firstStatusAt))
                .collect(Collectors.groupingBy(Task::work, TreeMap::new, Collectors.toList()));
        for (List<Task> tasks : byWork.values()) {
            // Executors report RUNNING only for slow tasks, so a task's first status is often its last:
            // a page's work done twice shows as two FINISHED tasks.
            assertTrue(tasks.stream().filter(t -> t.state().equals("TASK_FINISHED")).count() <= 1, "finished twice: " + tasks);
            for (int i = 1; i < tasks.size(); i++) {
                assertTrue(tasks.get(i).firstStatusAt() >= tasks.get(i - 1).endedAt(), "launched again while running: " + tasks);
            }
        }
    }

    private static JournalFile journal(Path runDir) {
        try {
            return JournalFile.read(runDir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A render executor on some agent, its sandbox there and its JVM, found by its working directory. */
    private record RenderExecutor(Agent agent, String sandbox, ProcessHandle jvm) {}

    /** The render executor on the first agent seen running one of the framework's render tasks. */
    private static RenderExecutor renderExecutorAtWork(String frameworkId) {
        Agent agent = cluster.agent(awaitRenderInFlight(frameworkId).agentId());
        String sandbox = cluster.sandbox(agent, frameworkId, "rendler-render").orElseThrow();
        List<ProcessHandle> jvm = RealCluster.javaProcessesIn(sandbox, "render-executor.jar");
        assertEquals(1, jvm.size(), "the render executor's JVM in " + sandbox + ": " + jvm);
        return new RenderExecutor(agent, sandbox, jvm.get(0));
    }

    private static Task awaitRenderInFlight(String frameworkId) {
        return RealCluster.awaitValue(TASKS_START, "a render task of " + frameworkId + " in flight",
                () -> renderInFlight(cluster.tasks(frameworkId)));
    }

    /**
     * A page's render that has not ended, on an agent whose render executor is up (its warm-up
     * finished). Executors report TASK_RUNNING only for slow tasks, so most renders go from
     * STAGING to FINISHED: in flight is either.
     */
    private static Optional<Task> renderInFlight(List<Task> tasks) {
        return tasks.stream()
                .filter(t -> t.executorId().equals("rendler-render") && !t.warmUp()
                        && (t.state().equals("TASK_STAGING") || t.state().equals("TASK_RUNNING")))
                .filter(t -> tasks.stream().anyMatch(w -> w.warmUp() && w.agentId().equals(t.agentId())
                        && w.executorId().equals("rendler-render") && w.state().equals("TASK_FINISHED")))
                .findFirst();
    }
}
