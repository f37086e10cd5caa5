package io.rendler.crawl;

import io.rendler.mesos.ExecutorRunLoop;

/**
 * The crawl executor process the Mesos agent starts: {@code java -jar crawl-executor.jar [parallelism]}.
 * It only builds the handler; subscribing, task bookkeeping and status updates are the shared
 * {@link ExecutorRunLoop}'s. Parallelism comes from the first argument, else RENDLER_PARALLELISM
 * (which the scheduler sets in the executor's CommandInfo environment), else
 * {@value CrawlHandler#DEFAULT_PARALLELISM}.
 */
public final class CrawlExecutorMain {

    static final String PARALLELISM_ENV = "RENDLER_PARALLELISM";

    private CrawlExecutorMain() {}

    public static void main(String[] args) {
        int parallelism = parallelism(args, System.getenv(PARALLELISM_ENV));
        ExecutorRunLoop.runAndExit("crawl-executor", env -> new CrawlHandler(parallelism));
    }

    static int parallelism(String[] args, String fromEnv) {
        String value = args.length > 0 ? args[0] : fromEnv;
        if (value == null || value.isBlank()) return CrawlHandler.DEFAULT_PARALLELISM;
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed >= 1) return parsed;
        } catch (NumberFormatException e) {
            // fall through to the usage error
        }
        System.err.println("crawl-executor: parallelism must be a positive integer, not '" + value + "'");
        System.exit(64);
        return 0;
    }
}
