package io.rendler.render;

import io.rendler.common.TaskHandler;
import io.rendler.common.TaskKind;
import io.rendler.mesos.ExecutorEnvironment;
import io.rendler.mesos.ExecutorRunLoop;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The render executor process the Mesos agent starts:
 * {@code java -jar render-executor.jar [parallelism [chromium]]}. It only builds the handler;
 * subscribing, task bookkeeping and status updates are the shared {@link ExecutorRunLoop}'s.
 *
 * <ul>
 *   <li>Screenshots go to {@code $MESOS_SANDBOX/screenshots} (the working directory's
 *       {@code screenshots} outside Mesos).</li>
 *   <li>Parallelism: the first argument, else RENDLER_PARALLELISM (set by the scheduler in the
 *       executor's CommandInfo environment), else {@value RenderSettings#DEFAULT_PARALLELISM}.</li>
 *   <li>Chromium: the second argument, else RENDLER_CHROMIUM, else {@link BrowserLocator}'s search.</li>
 *   <li>Extra Chromium arguments: RENDLER_CHROMIUM_ARGS, one per line.</li>
 * </ul>
 */
public final class RenderExecutorMain {

    static final String PARALLELISM_ENV = "RENDLER_PARALLELISM";
    static final String CHROMIUM_ARGS_ENV = "RENDLER_CHROMIUM_ARGS";

    private RenderExecutorMain() {}

    public static void main(String[] args) {
        int parallelism = parallelism(args, System.getenv(PARALLELISM_ENV));
        ExecutorRunLoop.runAndExit("render-executor", env -> handler(settings(env, parallelism, args)));
    }

    static RenderSettings settings(ExecutorEnvironment env, int parallelism, String[] args) {
        Path screenshots = env.sandbox().orElse(Path.of("")).resolve("screenshots");
        RenderSettings settings = RenderSettings.defaults(screenshots)
                .withParallelism(parallelism)
                .withExtraChromiumArgs(chromiumArgs(System.getenv(CHROMIUM_ARGS_ENV)));
        return args.length > 1 ? settings.withChromium(Path.of(args[1])) : settings;
    }

    /** The render handler, its browsers starting while the run loop subscribes. */
    static TaskHandler handler(RenderSettings settings) {
        return new StartingHandler(TaskKind.RENDER, settings.parallelism(), () -> {
            try {
                return new RenderHandler(settings);
            } catch (RuntimeException e) {
                System.err.println(StartingHandler.reason(e));
                throw e;
            }
        });
    }

    static List<String> chromiumArgs(String fromEnv) {
        if (fromEnv == null || fromEnv.isBlank()) return List.of();
        return Arrays.stream(fromEnv.split("\n")).map(String::strip).filter(arg -> !arg.isEmpty()).toList();
    }

    static int parallelism(String[] args, String fromEnv) {
        String value = args.length > 0 ? args[0] : fromEnv;
        if (value == null || value.isBlank()) return RenderSettings.DEFAULT_PARALLELISM;
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed >= 1) return parsed;
        } catch (NumberFormatException e) {
            // fall through to the usage error
        }
        System.err.println("render-executor: parallelism must be a positive integer, not '" + value + "'");
        System.exit(64);
        return 0;
    }
}
