package io.rendler.scheduler.e2e;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A real Mesos cluster for end-to-end tests: the master named by {@value #MASTER_ENV} and its
 * agents, read through their {@code /state} endpoints, and, when {@value #SCRIPT_ENV} names the
 * {@code cluster.sh} that started them, faults injected through that script. That script numbers
 * its agents by port: agent N listens on the master's port + N.
 *
 * <p>The tests share the cluster, so {@link #restore()} puts it back as it was found (master up,
 * the same agents registered, none of the tests' frameworks active) after each one.
 */
final class RealCluster {

    static final String MASTER_ENV = "RENDLER_TEST_MESOS_MASTER";
    static final String SCRIPT_ENV = "RENDLER_TEST_MESOS_CLUSTER";

    /** Master restarts and agent registrations take seconds; cluster.sh waits up to 90 s itself. */
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration RESTORE_TIMEOUT = Duration.ofMinutes(2);

    record Agent(String id, String host, int port) {
        String address() {
            return host + ":" + port;
        }
    }

    /**
     * A task as the master lists it, active, unreachable or completed, with the times of its first
     * status and of its terminal one (infinity while it has none).
     */
    record Task(String id, String agentId, String executorId, String state, double firstStatusAt, double endedAt) {
        /** A task that only starts the render executor early; it carries no page. */
        boolean warmUp() {
            return id.startsWith("warm-up-");
        }

        /** What it works on: its kind and page, the task id without the launch number ("crawl-7" of "crawl-7-2"). */
        String work() {
            return id.substring(0, id.lastIndexOf('-'));
        }
    }

    private static final Set<String> TERMINAL = Set.of("TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST", "TASK_ERROR",
            "TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR", "TASK_UNREACHABLE", "TASK_UNKNOWN");

    private static RealCluster shared;

    private final String master;
    private final Optional<Path> script;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    /** The agents registered when the tests began, by cluster.sh number; {@link #restore()} brings them back. */
    private final Set<Integer> agentsAtStart;
    private final Set<String> frameworks = new LinkedHashSet<>();
    /** Agents killed by {@link #killAgent}, with their work directories. */
    private final Map<Integer, Path> killedAgents = new TreeMap<>();

    private RealCluster(String master, Optional<Path> script) {
        this.master = master;
        this.script = script;
        this.agentsAtStart = new TreeSet<>();
        for (Agent agent : activeAgents()) agentsAtStart.add(number(agent));
    }

    /** The cluster named in the environment, the same instance for every test class in this JVM. */
    static synchronized RealCluster fromEnvironment() {
        if (shared == null) {
            String master = System.getenv(MASTER_ENV);
            if (master == null || master.isBlank()) throw new IllegalStateException(MASTER_ENV + " is not set");
            String scriptPath = System.getenv(SCRIPT_ENV);
            Optional<Path> script = Optional.ofNullable(scriptPath).filter(s -> !s.isBlank()).map(Path::of);
            script.ifPresent(path -> {
                if (!Files.isExecutable(path)) throw new IllegalStateException(SCRIPT_ENV + "=" + path + " is not an executable script");
            });
            shared = new RealCluster(master.strip(), script);
        }
        return shared;
    }

    String master() {
        return master;
    }

    // --- what the master and agents say -----------------------------------------------------

    JsonObject state() {
        return getJson("http://" + master + "/state");
    }

    List<Agent> activeAgents() {
        List<Agent> agents = new ArrayList<>();
        for (JsonElement element : state().getAsJsonArray("slaves")) {
            JsonObject agent = element.getAsJsonObject();
            if (!agent.get("active").getAsBoolean()) continue;
            // pid is "slave(1)@127.0.0.1:5051"
            String address = agent.get("pid").getAsString().replaceFirst("^.*@", "");
            int colon = address.lastIndexOf(':');
            agents.add(new Agent(agent.get("id").getAsString(), address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
        }
        return agents;
    }

    Agent agent(String agentId) {
        return activeAgents().stream().filter(a -> a.id().equals(agentId)).findFirst()
                .orElseThrow(() -> new AssertionError("agent " + agentId + " is not active"));
    }

    /** The framework while it is registered with the master, connected or not. */
    Optional<JsonObject> activeFramework(String frameworkId) {
        return find(state().getAsJsonArray("frameworks"), frameworkId);
    }

    /** The ids of every framework the master lists, registered or completed. */
    Set<String> frameworkIds() {
        JsonObject state = state();
        Set<String> ids = new TreeSet<>();
        for (String list : List.of("frameworks", "completed_frameworks")) {
            for (JsonElement framework : state.getAsJsonArray(list)) ids.add(framework.getAsJsonObject().get("id").getAsString());
        }
        return ids;
    }

    Optional<JsonObject> completedFramework(String frameworkId) {
        return find(state().getAsJsonArray("completed_frameworks"), frameworkId);
    }

    /** Every task of the framework the master knows, wherever the master lists it. */
    List<Task> tasks(String frameworkId) {
        JsonObject state = state();
        Optional<JsonObject> framework = find(state.getAsJsonArray("frameworks"), frameworkId)
                .or(() -> find(state.getAsJsonArray("completed_frameworks"), frameworkId));
        List<Task> tasks = new ArrayList<>();
        framework.ifPresent(f -> {
            for (String list : List.of("tasks", "unreachable_tasks", "completed_tasks")) {
                if (!f.has(list)) continue;
                for (JsonElement element : f.getAsJsonArray(list)) {
                    JsonObject task = element.getAsJsonObject();
                    double first = Double.POSITIVE_INFINITY;
                    double ended = Double.POSITIVE_INFINITY;
                    for (JsonElement status : task.has("statuses") ? task.getAsJsonArray("statuses") : new JsonArray()) {
                        double at = status.getAsJsonObject().get("timestamp").getAsDouble();
                        first = Math.min(first, at);
                        if (TERMINAL.contains(status.getAsJsonObject().get("state").getAsString())) ended = Math.min(ended, at);
                    }
                    tasks.add(new Task(task.get("id").getAsString(), task.get("slave_id").getAsString(),
                            task.has("executor_id") ? task.get("executor_id").getAsString() : "", task.get("state").getAsString(),
                            first, ended));
                }
            }
        });
        return tasks;
    }

    /** The sandbox of the framework's executor on {@code agent}, as the agent reports it. */
    Optional<String> sandbox(Agent agent, String frameworkId, String executorId) {
        JsonObject state = getJson("http://" + agent.address() + "/state");
        for (String list : List.of("frameworks", "completed_frameworks")) {
            for (JsonElement framework : state.getAsJsonArray(list)) {
                if (!framework.getAsJsonObject().get("id").getAsString().equals(frameworkId)) continue;
                for (String executors : List.of("executors", "completed_executors")) {
                    JsonArray all = framework.getAsJsonObject().getAsJsonArray(executors);
                    if (all == null) continue;
                    for (JsonElement executor : all) {
                        JsonObject e = executor.getAsJsonObject();
                        if (e.get("id").getAsString().equals(executorId)) return Optional.of(e.get("directory").getAsString());
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The names of the files in a sandbox folder, through the agent's /files API as a user would browse them. */
    List<String> listFiles(Agent agent, String directory) {
        List<String> names = new ArrayList<>();
        String url = "http://" + agent.address() + "/files/browse?path=" + URLEncoder.encode(directory, StandardCharsets.UTF_8);
        for (JsonElement entry : JsonParser.parseString(new String(get(url), StandardCharsets.UTF_8)).getAsJsonArray()) {
            String path = entry.getAsJsonObject().get("path").getAsString();
            names.add(path.substring(path.lastIndexOf('/') + 1));
        }
        return names;
    }

    /**
     * Sends a framework MESSAGE to the agent's executor API as if {@code executorId} had sent it.
     * The agent checks only that such an executor has subscribed, so anyone who can reach the
     * agent can do this.
     *
     * @return the agent's HTTP status: 202 once forwarded, 403 while the executor has not subscribed
     */
    int sendAsExecutor(Agent agent, String frameworkId, String executorId, byte[] data) {
        JsonObject call = new JsonObject();
        call.addProperty("type", "MESSAGE");
        call.add("framework_id", value(frameworkId));
        call.add("executor_id", value(executorId));
        JsonObject message = new JsonObject();
        message.addProperty("data", Base64.getEncoder().encodeToString(data));
        call.add("message", message);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + agent.address() + "/api/v1/executor"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(call.toString()))
                .build();
        return send(request).statusCode();
    }

    // --- the tests' frameworks --------------------------------------------------------------

    /** Notes a framework a test started, so {@link #restore()} tears it down if the test could not. */
    void own(String frameworkId) {
        synchronized (frameworks) {
            frameworks.add(frameworkId);
        }
    }

    /** Ends the framework through the master's operator endpoint, as an operator would a stray one. */
    void teardown(String frameworkId) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + master + "/teardown"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("frameworkId=" + URLEncoder.encode(frameworkId, StandardCharsets.UTF_8)))
                .build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() != 200) throw new AssertionError("teardown of " + frameworkId + ": HTTP " + response.statusCode() + " " + response.body());
    }

    // --- faults, through cluster.sh ---------------------------------------------------------

    boolean canInjectFaults() {
        return script.isPresent();
    }

    /** cluster.sh's number for the agent: its port minus the master's. */
    int number(Agent agent) {
        return agent.port() - masterPort();
    }

    void stopAgent(int number) {
        cluster("stop-agent", Integer.toString(number));
    }

    /** SIGKILL; the agent stays down until {@link #restore()}, which starts it as a new agent. */
    void killAgent(int number) {
        Agent agent = activeAgents().stream().filter(a -> number(a) == number).findFirst()
                .orElseThrow(() -> new AssertionError("agent " + number + " is not active"));
        Path workDir = Path.of(getJson("http://" + agent.address() + "/state").getAsJsonObject("flags").get("work_dir").getAsString());
        cluster("kill-agent", Integer.toString(number));
        killedAgents.put(number, workDir);
    }

    /** Returns once the agent has registered again. */
    void startAgent(int number) {
        cluster("start-agent", Integer.toString(number));
    }

    /** SIGKILL and start again; returns once the agents have registered with the new master. */
    void restartMaster() {
        cluster("restart-master");
    }

    /**
     * The Java processes working in {@code sandbox} that run {@code jar}: the executor JVM, not
     * the {@code sh -c} around it nor its Chromium. Needs the agent on this machine.
     */
    static List<ProcessHandle> javaProcessesIn(String sandbox, String jar) {
        List<ProcessHandle> found = new ArrayList<>();
        ProcessHandle.allProcesses().filter(process -> workingIn(process, Path.of(sandbox))).forEach(process -> {
            try {
                Path cmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
                List<String> argv = List.of(new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).split("\0"));
                if (Path.of(argv.get(0)).getFileName().toString().equals("java") && argv.contains(jar)) found.add(process);
            } catch (IOException e) {
                // gone meanwhile
            }
        });
        return found;
    }

    /**
     * Brings the cluster back to how the tests found it: the master answering, the same agents
     * registered, and none of the tests' frameworks active. Safe to call whatever state a failed
     * test left behind.
     */
    void restore() {
        if (!masterAnswers() && canInjectFaults()) restartMaster();
        List<String> leftovers;
        synchronized (frameworks) {
            leftovers = frameworks.stream().filter(id -> activeFramework(id).isPresent()).toList();
        }
        leftovers.forEach(this::teardown);
        await(RESTORE_TIMEOUT, "the tests' frameworks leave the master", () -> leftovers.stream().allMatch(id -> activeFramework(id).isEmpty()));
        if (canInjectFaults()) {
            killedAgents.forEach(this::startAsNewAgent);
            killedAgents.clear();
            Set<Integer> active = new TreeSet<>();
            activeAgents().forEach(agent -> active.add(number(agent)));
            String status = cluster("status");
            for (int number : agentsAtStart) {
                if (!active.contains(number) && !status.contains("agent-" + number + " running")) startAgent(number);
            }
        }
        await(RESTORE_TIMEOUT, agentsAtStart.size() + " agents registered", () -> activeAgents().size() >= agentsAtStart.size());
    }

    /**
     * Starts a killed agent without its checkpoints, so it registers under a new id. Back with
     * them, after the master marked it unreachable and its framework was torn down, it makes this
     * Mesos 1.12 master abort: when the old executor exits, the allocator's recoverResources fails
     * a CHECK ("scalars does not contain" the agent). Its executors outlived it; they go first.
     */
    private void startAsNewAgent(int number, Path workDir) {
        ProcessHandle.allProcesses().filter(p -> workingIn(p, workDir)).forEach(ProcessHandle::destroyForcibly);
        try {
            Files.deleteIfExists(workDir.resolve("meta/slaves/latest"));
        } catch (IOException e) {
            throw new AssertionError("cannot reset agent " + number + "'s checkpoint in " + workDir + ": " + e, e);
        }
        startAgent(number);
    }

    /** Whether the process's working directory is {@code dir} or below it. */
    private static boolean workingIn(ProcessHandle process, Path dir) {
        try {
            return Path.of("/proc", Long.toString(process.pid()), "cwd").toRealPath().startsWith(dir.toRealPath());
        } catch (IOException e) {
            return false; // gone meanwhile, or not ours to read
        }
    }

    private boolean masterAnswers() {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + master + "/version")).timeout(Duration.ofSeconds(3)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String cluster(String... args) {
        Path script = this.script.orElseThrow(() -> new IllegalStateException(SCRIPT_ENV + " is not set"));
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        try {
            Path output = Files.createTempFile("cluster-sh", ".txt");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
                boolean done = process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                if (!done) process.destroyForcibly();
                String said = Files.readString(output, StandardCharsets.UTF_8);
                if (!done || process.exitValue() != 0) throw new AssertionError(String.join(" ", command) + (done ? " failed" : " timed out") + ":\n" + said);
                return said;
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command));
        }
    }

    private int masterPort() {
        return Integer.parseInt(master.substring(master.lastIndexOf(':') + 1));
    }

    // --- plumbing ---------------------------------------------------------------------------

    /** Polls {@code condition} until it holds; an AssertionError naming {@code what} after {@code timeout}. */
    static void await(Duration timeout, String what, BooleanSupplier condition) {
        awaitValue(timeout, what, () -> condition.getAsBoolean() ? Optional.of(true) : Optional.empty());
    }

    /** Polls until {@code probe} finds a value; an AssertionError naming {@code what} after {@code timeout}. */
    static <T> T awaitValue(Duration timeout, String what, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException lastError = null;
        while (true) {
            try {
                Optional<T> value = probe.get();
                if (value.isPresent()) return value.get();
                lastError = null;
            } catch (RuntimeException e) { // e.g. the master restarting: keep asking until the deadline
                lastError = e;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what
                        + (lastError == null ? "" : " (last error: " + lastError + ")"), lastError);
            }
            try {
                Thread.sleep(200); // the poll interval, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
    }

    private static Optional<JsonObject> find(JsonArray frameworks, String frameworkId) {
        for (JsonElement element : frameworks) {
            if (element.getAsJsonObject().get("id").getAsString().equals(frameworkId)) return Optional.of(element.getAsJsonObject());
        }
        return Optional.empty();
    }

    private static JsonObject value(String value) {
        JsonObject object = new JsonObject();
        object.addProperty("value", value);
        return object;
    }

    private JsonObject getJson(String url) {
        return JsonParser.parseString(new String(get(url), StandardCharsets.UTF_8)).getAsJsonObject();
    }

    private byte[] get(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) throw new IllegalStateException("GET " + url + ": HTTP " + response.statusCode());
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("GET " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: GET " + url);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + request.method() + " " + request.uri());
        }
    }
}
