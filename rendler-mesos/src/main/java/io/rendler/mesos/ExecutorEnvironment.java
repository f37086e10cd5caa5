package io.rendler.mesos;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkID;

/**
 * What the agent tells an executor through its environment. The recorded environments are small
 * (no HOME, USER or MESOS_AGENT_ID), so only MESOS_* variables are read.
 *
 * @param agentEndpoint          MESOS_AGENT_ENDPOINT: {@code ip:port}, no scheme
 * @param authenticationToken    MESOS_EXECUTOR_AUTHENTICATION_TOKEN, sent as a Bearer token
 * @param checkpoint             MESOS_CHECKPOINT: the framework checkpoints, so the executor
 *                               should outlive an agent restart and resubscribe
 * @param recoveryTimeout        MESOS_RECOVERY_TIMEOUT: how long to keep trying to resubscribe
 * @param subscriptionBackoffMax MESOS_SUBSCRIPTION_BACKOFF_MAX: the longest wait between tries
 * @param sandbox                MESOS_SANDBOX: the task sandbox directory
 * @param encoding               RENDLER_MESOS_ENCODING, set by Rendler's scheduler: how to talk
 *                               to the agent, {@code json} (the default) or {@code protobuf}
 */
public record ExecutorEnvironment(
        String agentEndpoint,
        FrameworkID frameworkId,
        ExecutorID executorId,
        Optional<String> authenticationToken,
        boolean checkpoint,
        Duration recoveryTimeout,
        Duration subscriptionBackoffMax,
        Optional<Path> sandbox,
        MesosEncoding encoding) {

    /** Where the scheduler tells its executors which encoding to speak. */
    public static final String ENCODING_VARIABLE = "RENDLER_MESOS_ENCODING";

    /** The agent's default --recovery_timeout. */
    public static final Duration DEFAULT_RECOVERY_TIMEOUT = Duration.ofMinutes(15);
    /** The agent's default --executor_reregistration_timeout, which sets the backoff maximum. */
    public static final Duration DEFAULT_SUBSCRIPTION_BACKOFF_MAX = Duration.ofSeconds(2);

    private static final Pattern MESOS_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|secs|mins|hrs|days|weeks)");

    public ExecutorEnvironment {
        Objects.requireNonNull(agentEndpoint, "agentEndpoint");
        Objects.requireNonNull(frameworkId, "frameworkId");
        Objects.requireNonNull(executorId, "executorId");
        Objects.requireNonNull(authenticationToken, "authenticationToken");
        Objects.requireNonNull(recoveryTimeout, "recoveryTimeout");
        Objects.requireNonNull(subscriptionBackoffMax, "subscriptionBackoffMax");
        Objects.requireNonNull(sandbox, "sandbox");
        Objects.requireNonNull(encoding, "encoding");
    }

    /** Reads the variables the agent sets; names the first missing one in the exception. */
    public static ExecutorEnvironment from(Map<String, String> env) {
        String endpoint = required(env, "MESOS_AGENT_ENDPOINT");
        if (endpoint.contains("://")) throw new IllegalArgumentException("MESOS_AGENT_ENDPOINT is ip:port, not a URL: " + endpoint);
        return new ExecutorEnvironment(
                endpoint,
                MesosIds.frameworkId(required(env, "MESOS_FRAMEWORK_ID")),
                MesosIds.executorId(required(env, "MESOS_EXECUTOR_ID")),
                optional(env, "MESOS_EXECUTOR_AUTHENTICATION_TOKEN"),
                optional(env, "MESOS_CHECKPOINT").map(ExecutorEnvironment::isTrue).orElse(false),
                optional(env, "MESOS_RECOVERY_TIMEOUT").map(ExecutorEnvironment::parseDuration).orElse(DEFAULT_RECOVERY_TIMEOUT),
                optional(env, "MESOS_SUBSCRIPTION_BACKOFF_MAX").map(ExecutorEnvironment::parseDuration)
                        .orElse(DEFAULT_SUBSCRIPTION_BACKOFF_MAX),
                optional(env, "MESOS_SANDBOX").map(Path::of),
                optional(env, ENCODING_VARIABLE).map(MesosEncoding::named).orElse(MesosEncoding.JSON));
    }

    /** {@code http://<MESOS_AGENT_ENDPOINT>/api/v1/executor} */
    public URI executorApi() {
        return URI.create("http://" + agentEndpoint + "/api/v1/executor");
    }

    /**
     * A duration as Mesos prints it: {@code 15mins}, {@code 2secs}, {@code 250ms}, {@code 1.5hrs}.
     */
    static Duration parseDuration(String text) {
        Matcher matcher = MESOS_DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) throw new IllegalArgumentException("not a Mesos duration: " + text);
        double value = Double.parseDouble(matcher.group(1));
        double nanosPerUnit = switch (matcher.group(2)) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "secs" -> 1e9;
            case "mins" -> 60e9;
            case "hrs" -> 3600e9;
            case "days" -> 86400e9;
            default -> 7 * 86400e9; // weeks
        };
        return Duration.ofNanos(Math.round(value * nanosPerUnit));
    }

    /** Mesos writes MESOS_CHECKPOINT=1; its docs say "true". */
    private static boolean isTrue(String value) {
        return value.equals("1") || value.equalsIgnoreCase("true");
    }

    private static String required(Map<String, String> env, String name) {
        return optional(env, name).orElseThrow(() -> new IllegalArgumentException(
                name + " is not set; an executor must be started by a Mesos agent"));
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
