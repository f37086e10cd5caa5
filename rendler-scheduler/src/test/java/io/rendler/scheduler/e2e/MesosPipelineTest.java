package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rendler.common.CrawlResult;
import io.rendler.common.MessageCodec;
import io.rendler.common.ResultMessage;
import io.rendler.crawl.testsite.EscapeSite;
import io.rendler.mesos.ExecutorCalls;
import io.rendler.mesos.MesosIds;
import io.rendler.mesos.MesosJson;
import io.rendler.mesos.WarmUp;
import io.rendler.mesossim.MesosSimulator;
import io.rendler.mesossim.StartedExecutor;
import io.rendler.scheduler.demo.DemoSite;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.executor.Protos.Call;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rendler --master} end to end: the real rendler process registers with the Mesos
 * simulator, whose agent fetches the real executor jars over HTTP and runs them as child JVMs.
 * The graph and screenshots must equal what the site really is, as in local mode, including when
 * the cluster misbehaves. Needs the executor jars, so it runs in {@code mvn verify}, after
 * {@code package} built them. {@link RealMesosClusterTest} runs the same on a real cluster.
 */
class MesosPipelineTest {

    private static DemoSite site;
    private static SiteOracle oracle;

    @BeforeAll
    static void serve() throws Exception {
        site = DemoSite.start();
        oracle = SiteOracle.crawl(site.startUrl());
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    private static MesosSimulator simulator() {
        return MesosSimulator.builder().heartbeatInterval(Duration.ofSeconds(2)).start();
    }

    /** Starts rendler against {@code master}; the caller waits for it. */
    private static Process rendler(Path out, String master, String... extra) throws IOException {
        return rendler(Map.of(), out, master, extra);
    }

    private static Process rendler(Map<String, String> env, Path out, String master, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--master", master,
                "--output", out.resolve("run").toString(), "--max-pages", "500", "--max-depth", "50",
                "--failover-timeout", "60s", "--viewport", "640x400"));
        args.addAll(List.of(extra));
        args.add(site.startUrl());
        return Rendler.start(env, out.resolve("stdout.txt"), out.resolve("stderr.txt"), args.toArray(String[]::new));
    }

    private static String finish(Process process, Path out) throws Exception {
        boolean done = process.waitFor(4, TimeUnit.MINUTES);
        if (!done) process.destroyForcibly();
        String err = Files.readString(out.resolve("stderr.txt"), StandardCharsets.UTF_8);
        assertTrue(done, "rendler did not finish:\n" + err);
        assertEquals(0, process.exitValue(), err);
        return Files.readString(out.resolve("stdout.txt"), StandardCharsets.UTF_8) + err;
    }

    /** The same graph as the site has: every page once, every link, a screenshot per HTML page. */
    private static void assertCompleteGraph(Path out, boolean rendered) throws Exception {
        CompleteGraph.assertComplete(out.resolve("run"), oracle, rendered, 640, 400);
    }

    @Test
    void aCrawlOnMesosGivesTheSameGraphAndScreenshotsAsLocalMode(@TempDir Path out) throws Exception {
        try (MesosSimulator mesos = simulator()) {
            Process rendler = rendler(Map.of(), out, mesos.masterAddress());
            mesos.await(Duration.ofSeconds(60), "rendler registers", () -> !mesos.registeredFrameworkIds().isEmpty());
            String frameworkId = mesos.registeredFrameworkIds().get(0);
            String log = finish(rendler, out);
            assertCompleteGraph(out, true);
            assertTrue(log.contains("registered with Mesos as framework " + frameworkId), log);
            assertFalse(mesos.isFrameworkRegistered(frameworkId), "TEARDOWN removes the framework");
            // One executor of each kind served every task: ExecutorInfo is reused, not relaunched.
            assertEquals(2, mesos.startedExecutors().size(), mesos.startedExecutors().toString());
            StartedExecutor render = mesos.startedExecutors().stream()
                    .filter(e -> e.executorId().equals("rendler-render")).findFirst().orElseThrow();
            String renderLog = Files.readString(render.stderr(), StandardCharsets.UTF_8);
            assertTrue(renderLog.contains("started Chromium"), renderLog);
        }
    }

    @Test
    void theScopeAndTheRequestForgeryGuardHoldOnTheAgentsToo(@TempDir Path out) throws Exception {
        try (EscapeSite escapes = EscapeSite.start(); MesosSimulator mesos = simulator()) {
            Process rendler = Rendler.start(out.resolve("stdout.txt"), out.resolve("stderr.txt"), "--master", mesos.masterAddress(),
                    "--output", out.resolve("run").toString(), "--failover-timeout", "60s", "--viewport", "640x400",
                    "--page-timeout", "10s", escapes.url("/"));
            finish(rendler, out);

            assertEquals(List.of(), escapes.internalRequests(), "requests that reached the internal server");
            JsonObject pages = JsonParser.parseString(Files.readString(out.resolve("run/pages.json"))).getAsJsonObject();
            Map<String, JsonObject> byUrl = new HashMap<>();
            for (JsonElement page : pages.getAsJsonArray("pages")) byUrl.put(page.getAsJsonObject().get("url").getAsString(), page.getAsJsonObject());
            JsonObject jsRedirect = byUrl.get(escapes.url("/js-redirect"));
            assertEquals("RENDER_FAILED", jsRedirect.get("status").getAsString(), jsRedirect.toString());
            assertTrue(jsRedirect.get("error").getAsString().contains("out of scope to " + escapes.internalBaseUrl()), jsRedirect.toString());
            JsonObject offHost = byUrl.get(escapes.url("/redirect-off-host"));
            assertTrue(offHost.get("error").getAsString().contains("out of scope to " + escapes.internalBaseUrl()), offHost.toString());
        }
    }

    @Test
    void robotsTxtAndItsCrawlDelayHoldAcrossTheAgentsExecutors(@TempDir Path out) throws Exception {
        try (PoliteSite polite = PoliteSite.start(); MesosSimulator mesos = simulator()) {
            Process rendler = Rendler.start(out.resolve("stdout.txt"), out.resolve("stderr.txt"), "--master", mesos.masterAddress(),
                    "--output", out.resolve("run").toString(), "--failover-timeout", "60s", "--viewport", "640x400",
                    "--crawl-concurrency", "4", polite.url("/"));
            String log = finish(rendler, out);

            List<PoliteSite.Request> requests = polite.requests();
            String seen = requests.stream().map(PoliteSite.Request::path).toList().toString();
            assertTrue(requests.stream().noneMatch(r -> r.path().startsWith("/private/")), "disallowed paths were requested: " + seen);
            List<PoliteSite.Request> pages = requests.stream().filter(r -> !r.path().equals("/robots.txt")).toList();
            for (int i = 1; i < pages.size(); i++) {
                long gapMillis = (pages.get(i).arrivedNanos() - pages.get(i - 1).arrivedNanos()) / 1_000_000;
                assertTrue(gapMillis >= 500, "only " + gapMillis + " ms between two requests, under the Crawl-delay: " + seen);
            }
            assertTrue(requests.stream().anyMatch(PoliteSite.Request::fromBrowser), "the render executor's browser fetched pages: " + seen);
            assertTrue(log.contains("2 pages skipped by robots.txt"), log);
        }
    }

    @Test
    void losingTheMasterMidCrawlLosesNoPage(@TempDir Path out) throws Exception {
        try (MesosSimulator mesos = simulator()) {
            Process rendler = rendler(out, mesos.masterAddress(), "--no-render", "--crawl-concurrency", "2");
            mesos.await(Duration.ofSeconds(90), "a few crawls launched", () -> mesos.launchedTasks().size() >= 5);
            mesos.dropSchedulerConnection();
            String log = finish(rendler, out);
            assertTrue(log.contains("lost the Mesos master"), log);
            assertCompleteGraph(out, false);
        }
    }

    @Test
    void anExecutorDyingMidTaskLosesNoPage(@TempDir Path out) throws Exception {
        try (MesosSimulator mesos = simulator()) {
            Process rendler = rendler(out, mesos.masterAddress());
            // Launched is not enough: the executor JVM and its Chromium take a while to start. Kill it
            // once it holds a page's render that has not ended. (Renders are reported RUNNING only
            // when slow, so most go from STAGING to FINISHED.)
            mesos.await(Duration.ofSeconds(120), "a render task in the render executor's hands", () -> mesos.executorEvents("rendler-render").stream()
                    .filter(e -> e.getType() == org.apache.mesos.v1.executor.Protos.Event.Type.LAUNCH)
                    .map(e -> e.getLaunch().getTask().getTaskId().getValue())
                    .anyMatch(id -> id.startsWith("render-") && mesos.taskState(id)
                            .filter(state -> state == TaskState.TASK_STAGING || state == TaskState.TASK_RUNNING).isPresent()));
            assertEquals(1, mesos.killExecutor("rendler-render"));
            finish(rendler, out);
            assertCompleteGraph(out, true);
            assertTrue(mesos.startedExecutors().stream().filter(e -> e.executorId().equals("rendler-render")).count() >= 2,
                    "a new render executor replaced the dead one");
        }
    }

    @Test
    void messagesFromAStrangerAreDroppedAndTheCrawlStillCompletes(@TempDir Path out) throws Exception {
        try (MesosSimulator mesos = simulator()) {
            Process rendler = rendler(out, mesos.masterAddress());
            mesos.await(Duration.ofSeconds(90), "the crawl executor started", () -> mesos.startedExecutors().stream()
                    .anyMatch(e -> e.executorId().equals("rendler-crawl")));
            String frameworkId = mesos.registeredFrameworkIds().get(0);
            // Anyone who reaches the agent may send a message naming a subscribed executor; the
            // agent answers 403 until it has subscribed, then 202 and forwards it to rendler.
            byte[] malformed = "{\"kind\":\"CRAWL\"}".getBytes(StandardCharsets.UTF_8);
            mesos.await(Duration.ofSeconds(60), "the agent forwards a stranger's message",
                    () -> sendAsStranger(mesos, frameworkId, malformed) == 202);
            byte[] forged = MessageCodec.encode(ResultMessage.of(new CrawlResult("crawl-0-1", "http://evil.test/", "http://evil.test/",
                    200, "text/html", true, List.of(site.startUrl() + "planted.html"), false, null, 1)));
            assertEquals(202, sendAsStranger(mesos, frameworkId, forged));
            assertEquals(202, sendAsStranger(mesos, frameworkId, new byte[] {(byte) 0xff, '{'}));

            String log = finish(rendler, out);
            assertCompleteGraph(out, true);
            assertTrue(log.contains("dropped a framework message from rendler-crawl on agent "), log);
            assertTrue(log.matches("(?s).*rendler: mesos: .* messages \\(2 malformed, 1 not for a task of ours, dropped\\).*"), log);
        }
    }

    /** POSTs a framework MESSAGE to the agent's executor API, as rendler's crawl executor; returns the status code. */
    private static int sendAsStranger(MesosSimulator mesos, String frameworkId, byte[] data) {
        Call call = ExecutorCalls.message(MesosIds.frameworkId(frameworkId), MesosIds.executorId("rendler-crawl"), data);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + mesos.agentEndpoint() + "/api/v1/executor"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(MesosJson.toJson(call)))
                .build();
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Test
    void droppedResultMessagesLoseNoPage(@TempDir Path out) throws Exception {
        try (MesosSimulator mesos = simulator()) {
            mesos.dropNextFrameworkMessages(10);
            Process rendler = rendler(out, mesos.masterAddress(), "--no-render");
            finish(rendler, out);
            assertEquals(10, mesos.droppedFrameworkMessages());
            assertCompleteGraph(out, false);
        }
    }

    /**
     * A scheduler killed with SIGKILL mid-crawl and resumed takes its framework back with the tasks
     * still running on the executor: one framework throughout, every page crawled by its first
     * task (none launched again), and the whole site in the graph.
     */
    @Test
    void aSchedulerKilledMidCrawlAndResumedTakesItsFrameworkAndItsRunningTasksBack(@TempDir Path out) throws Exception {
        int pages = 24;
        try (MesosSimulator mesos = simulator(); LoggingSite slow = LoggingSite.start(pages, 300)) {
            Path run = out.resolve("run");
            Process first = Rendler.start(out.resolve("stdout-1.txt"), out.resolve("stderr-1.txt"), "--master", mesos.masterAddress(),
                    "--output", run.toString(), "--no-render", "--crawl-concurrency", "2", "--failover-timeout", "60s", slow.startUrl());
            mesos.await(Duration.ofSeconds(90), "crawls running on the executor while results come in", () -> {
                JournalFile journal = read(run);
                return journal.count("result") >= 3 && journal.count("launch") - journal.count("result") >= 4;
            });
            String frameworkId = mesos.registeredFrameworkIds().get(0);
            first.destroyForcibly(); // SIGKILL: no TEARDOWN, the master keeps the framework for its failover timeout
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            mesos.await(Duration.ofSeconds(30), "the master sees the scheduler gone", () -> !mesos.isFrameworkConnected(frameworkId));
            assertTrue(mesos.isFrameworkRegistered(frameworkId), "the master keeps the framework for its failover timeout");

            Process resumed = Rendler.start(out.resolve("stdout.txt"), out.resolve("stderr.txt"), "--resume", "--output", run.toString());
            String log = finish(resumed, out);
            assertTrue(log.contains("took back framework " + frameworkId), log);
            assertTrue(log.contains("to take back from Mesos"), log);
            assertTrue(log.startsWith("rendler: " + pages + " crawled, 0 rendered, 0 failed"), log);
            assertEquals(2, mesos.schedulerCallCount(org.apache.mesos.v1.scheduler.Protos.Call.Type.SUBSCRIBE), "one subscription per process");
            List<TaskInfo> launched = mesos.launchedTasks().stream().filter(t -> !WarmUp.is(t)).toList();
            assertTrue(launched.stream().allMatch(t -> t.getExecutor().getFrameworkId().getValue().equals(frameworkId)), "one framework throughout");
            assertEquals(pages, launched.size(), "one task per page: " + launched.stream().map(t -> t.getTaskId().getValue()).toList());
            assertEquals(1, mesos.startedExecutors().size(), "the crawl executor outlived the scheduler");
            assertFalse(mesos.isFrameworkRegistered(frameworkId), "TEARDOWN at the end");
        }
    }

    @Test
    void aResumeAfterTheFailoverTimeoutRegistersAnewAndRunsTheLostTasksAgain(@TempDir Path out) throws Exception {
        int pages = 16;
        try (MesosSimulator mesos = simulator(); LoggingSite slow = LoggingSite.start(pages, 300)) {
            Path run = out.resolve("run");
            Process first = Rendler.start(out.resolve("stdout-1.txt"), out.resolve("stderr-1.txt"), "--master", mesos.masterAddress(),
                    "--output", run.toString(), "--no-render", "--crawl-concurrency", "2", "--failover-timeout", "2s", slow.startUrl());
            mesos.await(Duration.ofSeconds(90), "crawls running on the executor", () -> {
                JournalFile journal = read(run);
                return journal.count("result") >= 2 && journal.count("launch") - journal.count("result") >= 3;
            });
            String frameworkId = mesos.registeredFrameworkIds().get(0);
            first.destroyForcibly();
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            mesos.await(Duration.ofSeconds(60), "the master removes the framework after its failover timeout",
                    () -> !mesos.isFrameworkRegistered(frameworkId));

            Process resumed = Rendler.start(out.resolve("stdout.txt"), out.resolve("stderr.txt"), "--resume", "--output", run.toString());
            String log = finish(resumed, out);
            assertTrue(log.contains("the master has removed framework " + frameworkId), log);
            assertTrue(log.contains("registered with Mesos as framework "), log);
            assertTrue(log.startsWith("rendler: " + pages + " crawled, 0 rendered, 0 failed"), log);
        }
    }

    private static JournalFile read(Path run) {
        try {
            return JournalFile.read(run);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
