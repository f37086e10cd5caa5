package io.rendler.mesossim;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Environment;

/**
 * Starts one executor the way the Mesos agent with the posix launcher does: a fresh sandbox as the
 * working directory, the fetched URIs in it, {@code stdout} and {@code stderr} files, its own
 * session, and the small environment of README surprise 13 ({@code executor-env-*.txt}).
 */
final class ExecutorLauncher {

    /** The PATH a Mesos agent gives executors when the framework sets none (the recorded one). */
    static final String MESOS_DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Cluster cluster;
    private final ExecutorRun run;

    ExecutorLauncher(Cluster cluster, ExecutorRun run) {
        this.cluster = cluster;
        this.run = run;
    }

    void prepareSandbox() throws IOException {
        Files.createDirectories(run.sandbox);
        try {
            new Fetcher(run.sandbox, cluster.config.frameworksHome()).fetchAll(run.info.getCommand().getUrisList());
        } catch (IOException e) {
            throw new IOException("Failed to fetch all URIs for container '" + run.containerId + "': " + e.getMessage(), e);
        }
    }

    Process start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(commandLine())
                .directory(run.sandbox.toFile())
                .redirectOutput(run.sandbox.resolve("stdout").toFile())
                .redirectError(run.sandbox.resolve("stderr").toFile());
        builder.environment().clear();
        builder.environment().putAll(environment());
        return builder.start();
    }

    /** {@code /bin/sh -c <value>} for shell commands; else value as the program and arguments[1..]. */
    private List<String> commandLine() {
        CommandInfo command = run.info.getCommand();
        List<String> line = new ArrayList<>();
        if (cluster.setsidAvailable) line.add("/usr/bin/setsid");
        if (command.getShell()) {
            line.addAll(List.of("/bin/sh", "-c", command.getValue()));
        } else {
            line.add(command.getValue());
            line.addAll(command.getArgumentsList().subList(Math.min(1, command.getArgumentsCount()), command.getArgumentsCount()));
        }
        return line;
    }

    /**
     * Exactly the keys a real agent sets, plus CommandInfo.environment. No HOME, no USER, no
     * MESOS_AGENT_ID. LC_CTYPE in the recordings was added by Python's locale coercion inside the
     * executor, not by Mesos, so we do not set it either.
     *
     * <p>One deliberate difference: PATH defaults to the parent JVM's PATH rather than Mesos'
     * {@link #MESOS_DEFAULT_PATH}, so a JVM executor finds {@code java} on machines where it is not
     * in /usr/bin. {@code MesosSimulator.Builder.mesosDefaultExecutorPath()} restores the real one.
     */
    Map<String, String> environment() {
        Map<String, String> env = new TreeMap<>();
        String path = cluster.config.executorPath();
        env.put("PATH", path != null ? path : System.getenv().getOrDefault("PATH", MESOS_DEFAULT_PATH));
        env.put("PWD", run.sandbox.toString());
        env.put("LIBPROCESS_IP", "127.0.0.1");
        env.put("LIBPROCESS_PORT", "0");
        env.put("MESOS_AGENT_ENDPOINT", "127.0.0.1:" + cluster.agentPort());
        env.put("MESOS_CHECKPOINT", run.frameworkInfo.getCheckpoint() ? "1" : "0");
        env.put("MESOS_DIRECTORY", run.sandbox.toString());
        env.put("MESOS_SANDBOX", run.sandbox.toString());
        env.put("MESOS_EXECUTOR_ID", run.executorId());
        env.put("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", Cluster.mesosDuration(cluster.agent.gracePeriod(run)));
        env.put("MESOS_FRAMEWORK_ID", run.frameworkId);
        env.put("MESOS_HTTP_COMMAND_EXECUTOR", "0");
        env.put("MESOS_SLAVE_ID", cluster.agentId);
        env.put("MESOS_SLAVE_PID", "slave(1)@127.0.0.1:" + cluster.agentPort());
        if (run.frameworkInfo.getCheckpoint()) {
            env.put("MESOS_RECOVERY_TIMEOUT", "15mins");
            env.put("MESOS_SUBSCRIPTION_BACKOFF_MAX", "2secs");
        }
        for (Environment.Variable variable : run.info.getCommand().getEnvironment().getVariablesList()) {
            if (variable.getType() != Environment.Variable.Type.SECRET) env.put(variable.getName(), variable.getValue());
        }
        return env;
    }
}
