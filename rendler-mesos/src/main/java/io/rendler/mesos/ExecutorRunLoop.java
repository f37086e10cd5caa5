package io.rendler.mesos;

import com.google.protobuf.ByteString;
import io.rendler.common.MessageCodec;
import io.rendler.common.ResultMessage;
import io.rendler.common.TaskHandler;
import io.rendler.common.TaskRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;
import org.apache.mesos.v1.executor.Protos.Event;

/**
 * The executor side of the Mesos v1 HTTP API, shared by both executors: each supplies only its
 * {@link TaskHandler}. It subscribes to the agent, runs every LAUNCHed task on a pool of
 * {@link TaskHandler#parallelism()} threads, and reports each task with UPDATE calls:
 * TASK_FINISHED carrying the encoded {@link ResultMessage} in {@code data}, TASK_FAILED with a
 * one-line reason when the handler throws, or TASK_KILLED. Before TASK_FINISHED the same result
 * also goes out as a framework MESSAGE, which is faster but best effort; the scheduler can always
 * recover it from the update.
 *
 * <p>TASK_RUNNING goes out only for a task still at work {@link #RUNNING_AFTER} after it started.
 * Most pages take less, and each update costs a round trip through agent, master and scheduler
 * and back as an acknowledgement: a third of all the Mesos traffic a crawl makes. A task the
 * master shows as STAGING is therefore accepted, queued or briefly at work here; one it shows as
 * RUNNING is taking a while.
 *
 * <p>Every update stays in an unacknowledged set until the agent's ACKNOWLEDGED, and every task
 * until one of its updates is acknowledged. When the agent connection drops, a checkpointing
 * framework's executor resubscribes with backoff (capped by MESOS_SUBSCRIPTION_BACKOFF_MAX) for
 * up to MESOS_RECOVERY_TIMEOUT, sending both sets in the SUBSCRIBE; without checkpointing the
 * agent will not take it back, so it exits.
 *
 * <p>{@link #run()} returns the process exit status and closes the handler; an executor's
 * {@code main} is just {@link #runAndExit}. One line per task goes to the log (the sandbox
 * {@code stderr} by default).
 */
public final class ExecutorRunLoop {

    /** After SHUTDOWN: every task was killed and reported. */
    public static final int EXIT_SHUTDOWN = 0;
    /** The agent sent ERROR or rejected the subscription. */
    public static final int EXIT_ERROR = 1;
    /** The agent went away and did not come back in time (or could not: no checkpointing). */
    public static final int EXIT_AGENT_LOST = 2;

    /**
     * How long the first SUBSCRIBE may keep failing: the agent's default
     * --executor_registration_timeout, after which it destroys an executor that never subscribed.
     */
    static final Duration FIRST_SUBSCRIBE_WINDOW = Duration.ofMinutes(1);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration EXIT_GRACE = Duration.ofSeconds(3);
    private static final int MAX_REASON_CHARS = 500;
    /** How long a task works before it is reported TASK_RUNNING; {@link Duration#ZERO} reports every task as it starts. */
    static final Duration RUNNING_AFTER = Duration.ofMillis(500);
    /** The first wait before an UPDATE the agent did not take is sent again; it doubles up to the maximum. */
    static final Duration FIRST_RESEND = Duration.ofMillis(250);
    private static final Duration MAX_RESEND = Duration.ofSeconds(10);

    private final ExecutorEnvironment env;
    private final TaskHandler handler;
    private final HttpClient http;
    private final Sleeper sleeper;
    private final Clock clock;
    private final DoubleSupplier jitter;
    private final PrintStream log;
    private final FatalErrors fatal;
    private final Duration runningAfter;
    private final Backoff backoff;
    private final Ledger ledger = new Ledger();
    /** Tasks launched here without a terminal update yet; removing one claims the right to send it. */
    private final Map<String, RunningTask> live = new ConcurrentHashMap<>();
    private ThreadPoolExecutor pool;
    /**
     * Every call to the agent goes out through this one thread, in the order it was made, so a
     * task's RUNNING, MESSAGE and FINISHED keep their order while the task's thread is already
     * free for the next task: a render slot no longer idles through three HTTP round trips.
     */
    private ExecutorService outbox;
    /** Fires the TASK_RUNNING of tasks that outlast {@link #runningAfter}, and resends updates the agent refused. */
    private ScheduledThreadPoolExecutor timers;

    /** Under Mesos: real time, a fresh HTTP client, the log on stderr. */
    public ExecutorRunLoop(ExecutorEnvironment env, TaskHandler handler) {
        this(env, handler, MesosHttp.newClient(), Sleeper.REAL, Clock.systemUTC(), Math::random, System.err, FatalErrors.EXIT,
                RUNNING_AFTER);
    }

    ExecutorRunLoop(ExecutorEnvironment env, TaskHandler handler, HttpClient http, Sleeper sleeper, Clock clock,
            DoubleSupplier jitter, PrintStream log, FatalErrors fatal, Duration runningAfter) {
        this.env = Objects.requireNonNull(env, "env");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.http = http;
        this.sleeper = sleeper;
        this.clock = clock;
        this.jitter = jitter;
        this.log = log;
        this.fatal = fatal;
        this.runningAfter = Objects.requireNonNull(runningAfter, "runningAfter");
        Duration max = env.subscriptionBackoffMax().compareTo(FIRST_BACKOFF) > 0 ? env.subscriptionBackoffMax() : FIRST_BACKOFF;
        this.backoff = new Backoff(FIRST_BACKOFF, max);
    }

    /**
     * The whole of an executor's {@code main}: reads the agent's environment, builds the handler,
     * runs the loop and exits with its status. A missing MESOS_* variable exits 64 (EX_USAGE)
     * with a one-line explanation; an uncaught Throwable on any thread exits 70 loudly.
     *
     * @param executorName     for messages, e.g. {@code crawl-executor}
     * @param handlerFactory   builds the task handler once the environment is known
     */
    public static void runAndExit(String executorName, Function<ExecutorEnvironment, TaskHandler> handlerFactory) {
        MesosGencode.silencePre22Warning();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> FatalErrors.EXIT.die(executorName + " thread " + thread.getName(), failure));
        ExecutorEnvironment env;
        try {
            env = ExecutorEnvironment.from(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(executorName + ": " + e.getMessage());
            System.exit(64);
            return;
        }
        int status = new ExecutorRunLoop(env, handlerFactory.apply(env)).run();
        System.err.println(executorName + ": exiting with status " + status);
        System.exit(status);
    }

    /** Runs until SHUTDOWN, ERROR or the loss of the agent; returns the exit status for the process. */
    public int run() {
        int threads = handler.parallelism();
        if (threads < 1) throw new IllegalArgumentException("handler parallelism must be at least 1, not " + threads);
        pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), daemonThreads("task"));
        outbox = Executors.newSingleThreadExecutor(daemonThreads("agent-calls"));
        timers = new ScheduledThreadPoolExecutor(1, daemonThreads("timers"));
        timers.setRemoveOnCancelPolicy(true);
        log("executor %s of framework %s: %s tasks, %d at a time, agent %s%s", env.executorId().getValue(),
                env.frameworkId().getValue(), handler.kind().label(), threads, env.agentEndpoint(),
                env.checkpoint() ? " (checkpointing)" : "");
        try {
            return subscribeUntilDone();
        } catch (InterruptedException e) {
            log("interrupted; exiting");
            return EXIT_ERROR;
        } finally {
            // Tasks still live here are abandoned (the agent reports them once we are gone). The
            // outbox may still hold a finished task's MESSAGE and UPDATE, so give both a moment
            // together, well inside the agent's 5 s MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD.
            for (RunningTask task : live.values()) {
                Future<?> future = task.future;
                if (future != null) future.cancel(true);
            }
            timers.shutdownNow();
            long deadline = System.nanoTime() + EXIT_GRACE.toNanos();
            finish(pool, deadline);
            finish(outbox, deadline); // after the pool: the tasks' last updates are queued by then
            try {
                handler.close();
            } catch (RuntimeException e) {
                log("closing the %s handler failed: %s", handler.kind().label(), oneLine(e));
            }
        }
    }

    /** Lets queued work finish until {@code deadline} (a nanoTime), then stops what is left. */
    private static void finish(ExecutorService service, long deadline) {
        service.shutdown();
        try {
            if (!service.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) service.shutdownNow();
        } catch (InterruptedException e) {
            service.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** How one subscription ended: an exit status, or a reason to try again. */
    private record StreamEnd(Integer exitStatus, boolean wasSubscribed, String reason) {
        static StreamEnd exit(int status, String reason) {
            return new StreamEnd(status, true, reason);
        }

        static StreamEnd retry(boolean wasSubscribed, String reason) {
            return new StreamEnd(null, wasSubscribed, reason);
        }
    }

    private int subscribeUntilDone() throws InterruptedException {
        int failedAttempts = 0;
        boolean everSubscribed = false;
        Instant unsubscribedSince = clock.instant();
        while (true) {
            StreamEnd end = subscribeOnce();
            if (end.exitStatus() != null) return end.exitStatus();
            if (end.wasSubscribed()) {
                everSubscribed = true;
                failedAttempts = 0;
                unsubscribedSince = clock.instant();
                log("lost the agent: %s", end.reason());
                if (!env.checkpoint()) {
                    // Mesos: without framework checkpointing the agent does not recover
                    // executors, so there is nobody to resubscribe to.
                    log("the framework does not checkpoint, so the agent cannot take this executor back; exiting");
                    return EXIT_AGENT_LOST;
                }
            }
            Duration limit = everSubscribed ? env.recoveryTimeout() : FIRST_SUBSCRIBE_WINDOW;
            if (Duration.between(unsubscribedSince, clock.instant()).compareTo(limit) > 0) {
                log("could not subscribe to the agent within %d s (%s); exiting", limit.toSeconds(), end.reason());
                return EXIT_AGENT_LOST;
            }
            sleeper.sleep(backoff.delay(failedAttempts++, jitter.getAsDouble()));
        }
    }

    private StreamEnd subscribeOnce() throws InterruptedException {
        Call subscribe = ExecutorCalls.subscribe(env.frameworkId(), env.executorId(),
                ledger.unacknowledgedTasks(), ledger.unacknowledgedUpdates());
        HttpRequest request = MesosHttp.post(env.executorApi(), env.encoding(), env.encoding().encode(subscribe), authorization())
                .timeout(CALL_TIMEOUT) // until the response headers; the stream itself may last for days
                .build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            return StreamEnd.retry(false, "cannot reach the agent at " + env.agentEndpoint() + ": " + MesosHttp.describe(e));
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                MesosHttpException rejected = new MesosHttpException("SUBSCRIBE", request.uri(), response.statusCode(),
                        MesosHttp.text(body.readAllBytes()));
                if (rejected.isClientError()) {
                    log("%s; exiting", rejected.getMessage());
                    return StreamEnd.exit(EXIT_ERROR, rejected.getMessage());
                }
                return StreamEnd.retry(false, rejected.getMessage());
            }
            String contentType = response.headers().firstValue("Content-Type").orElse(MesosEncoding.JSON.mediaType());
            MesosEncoding encoding;
            try {
                encoding = MesosEncoding.ofContentType(contentType);
            } catch (IllegalArgumentException e) {
                return StreamEnd.retry(false, "the agent answered SUBSCRIBE with " + contentType + ", not an event stream");
            }
            return readEvents(new RecordIO.Reader(body), encoding, subscribe.getSubscribe().getUnacknowledgedUpdatesCount());
        } catch (IOException e) {
            return StreamEnd.retry(false, MesosHttp.describe(e));
        }
    }

    private StreamEnd readEvents(RecordIO.Reader reader, MesosEncoding encoding, int resentUpdates) {
        boolean subscribed = false;
        while (true) {
            Optional<byte[]> record;
            Event event;
            try {
                record = reader.next();
                if (record.isEmpty()) return StreamEnd.retry(subscribed, "the agent closed the event stream");
                event = encoding.decode(record.get(), Event.getDefaultInstance());
            } catch (IOException e) {
                return StreamEnd.retry(subscribed, "event stream broke: " + MesosHttp.describe(e));
            }
            try {
                StreamEnd end = handle(event, resentUpdates);
                if (end != null) return end;
            } catch (RuntimeException e) {
                // Nothing an agent (or whoever speaks for it) sends may end the executor.
                log("ignoring a %s event that could not be handled: %s", event.getType(), oneLine(e));
            }
            if (event.getType() == Event.Type.SUBSCRIBED) subscribed = true;
        }
    }

    /** Acts on one event; returns how the stream ends when the event ends it, else null. */
    private StreamEnd handle(Event event, int resentUpdates) {
        switch (event.getType()) {
            case SUBSCRIBED -> log("subscribed to agent %s%s", event.getSubscribed().getAgentInfo().getHostname(),
                    resentUpdates > 0 ? " and resent " + resentUpdates + " unacknowledged updates" : "");
            case LAUNCH -> launch(event.getLaunch().getTask());
            case LAUNCH_GROUP -> rejectGroup(event.getLaunchGroup().getTaskGroup().getTasksList());
            case KILL -> kill(event.getKill().getTaskId());
            case ACKNOWLEDGED -> ledger.acknowledged(event.getAcknowledged().getTaskId(), event.getAcknowledged().getUuid());
            case MESSAGE -> log("ignoring a framework message of %d bytes", event.getMessage().getData().size());
            case SHUTDOWN -> {
                shutdown();
                return StreamEnd.exit(EXIT_SHUTDOWN, "SHUTDOWN");
            }
            case ERROR -> {
                log("the agent sent ERROR: %s; exiting", event.getError().getMessage());
                return StreamEnd.exit(EXIT_ERROR, event.getError().getMessage());
            }
            case HEARTBEAT -> { }
            default -> log("ignoring an unexpected %s event", event.getType());
        }
        return null;
    }

    private void launch(TaskInfo info) {
        String id = info.getTaskId().getValue();
        if (live.containsKey(id)) {
            log("ignoring a second LAUNCH of task %s", id);
            return;
        }
        ledger.taskLaunched(info);
        if (WarmUp.is(info)) {
            // The point was only to start this executor (and its handler) before pages need it.
            sendUpdate(info, TaskState.TASK_FINISHED, "warm-up: executor ready", null, null);
            log("task %s %s: warm-up, executor ready", id, TaskState.TASK_FINISHED);
            return;
        }
        TaskRequest request;
        try {
            request = MessageCodec.decodeRequest(info.getData().toByteArray());
        } catch (MessageCodec.MalformedMessageException e) {
            failAtLaunch(info, "malformed task data: " + e.getMessage(), TaskStatus.Reason.REASON_TASK_INVALID);
            return;
        }
        if (request.kind() != handler.kind()) {
            failAtLaunch(info, "a " + request.kind().label() + " task was sent to the " + handler.kind().label() + " executor",
                    TaskStatus.Reason.REASON_TASK_INVALID);
            return;
        }
        RunningTask task = new RunningTask(info, request, System.nanoTime());
        live.put(id, task);
        FutureTask<Void> future = new FutureTask<>(() -> runTask(task), null);
        task.future = future;
        pool.execute(future);
    }

    private void runTask(RunningTask task) {
        try {
            scheduleRunningReport(task);
            ResultMessage result = handler.handle(task.request);
            if (result == null) throw new IllegalStateException(handler.getClass().getSimpleName() + " returned no result");
            byte[] encoded = MessageCodec.encode(result);
            if (!claim(task)) return; // killed while running; TASK_KILLED already went out
            logTask(task, TaskState.TASK_FINISHED, pageError(result));
            synchronized (task) {
                task.cancelRunningReport();
                send(ExecutorCalls.message(env.frameworkId(), env.executorId(), encoded));
                sendUpdate(task.info, TaskState.TASK_FINISHED, null, encoded, null);
            }
        } catch (Exception e) {
            // InterruptedException included: with a KILL the claim below fails and nothing is sent.
            if (claim(task)) {
                String reason = oneLine(e);
                logTask(task, TaskState.TASK_FAILED, reason);
                synchronized (task) {
                    task.cancelRunningReport();
                    sendUpdate(task.info, TaskState.TASK_FAILED, reason, null, null);
                }
            }
        } catch (Throwable unexpected) {
            fatal.die("the " + handler.kind().label() + " handler running task " + task.info.getTaskId().getValue(), unexpected);
        }
    }

    /**
     * Arranges the task's TASK_RUNNING for when it has worked {@link #runningAfter}. A terminal
     * update claims the task first and sends under the task's lock, so RUNNING is either queued
     * for the agent before it or never sent.
     */
    private void scheduleRunningReport(RunningTask task) {
        if (runningAfter.isZero()) {
            reportRunning(task);
            return;
        }
        synchronized (task) {
            if (live.get(task.info.getTaskId().getValue()) != task) return;
            try {
                task.runningReport = timers.schedule(() -> reportRunning(task), runningAfter.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // the loop is ending; the task's end says all there is to say
            }
        }
    }

    private void reportRunning(RunningTask task) {
        synchronized (task) {
            if (live.get(task.info.getTaskId().getValue()) == task) sendUpdate(task.info, TaskState.TASK_RUNNING, null, null, null);
        }
    }

    private void kill(TaskID taskId) {
        RunningTask task = live.get(taskId.getValue());
        if (task == null || !claim(task)) {
            log("KILL for task %s, which is not running here; ignored", taskId.getValue());
            return;
        }
        terminateKilled(task, "killed by the scheduler");
    }

    /** Mesos: on SHUTDOWN kill every task, send TASK_KILLED for each, and exit. */
    private void shutdown() {
        log("SHUTDOWN: killing %d tasks", live.size());
        for (RunningTask task : new ArrayList<>(live.values())) {
            if (claim(task)) terminateKilled(task, "executor shutting down");
        }
    }

    private void terminateKilled(RunningTask task, String why) {
        Future<?> future = task.future;
        if (future != null) future.cancel(true);
        synchronized (task) {
            task.cancelRunningReport();
            sendUpdate(task.info, TaskState.TASK_KILLED, why, null, null);
        }
        logTask(task, TaskState.TASK_KILLED, why);
    }

    private void rejectGroup(List<TaskInfo> tasks) {
        for (TaskInfo info : tasks) {
            ledger.taskLaunched(info);
            failAtLaunch(info, "LAUNCH_GROUP is not supported; Rendler executors run single tasks",
                    TaskStatus.Reason.REASON_TASK_GROUP_INVALID);
        }
    }

    private void failAtLaunch(TaskInfo info, String reason, TaskStatus.Reason code) {
        sendUpdate(info, TaskState.TASK_FAILED, reason, null, code);
        log("task %s %s: %s", info.getTaskId().getValue(), TaskState.TASK_FAILED, reason);
    }

    private boolean claim(RunningTask task) {
        return live.remove(task.info.getTaskId().getValue(), task);
    }

    /**
     * Records the update as unacknowledged before sending it, so a failed send is still
     * delivered by the next SUBSCRIBE. Each update gets a fresh random (version 4) UUID.
     */
    private void sendUpdate(TaskInfo info, TaskState state, String message, byte[] data, TaskStatus.Reason reason) {
        TaskStatus status = ExecutorCalls.status(info.getTaskId(), env.executorId(), state, UUID.randomUUID(), message, data);
        if (reason != null) status = status.toBuilder().setReason(reason).build();
        Call update = ExecutorCalls.update(env.frameworkId(), env.executorId(), status);
        ledger.updateSent(update.getUpdate());
        send(update);
    }

    /** Sends one call; a failure is logged, since unacknowledged updates are resent anyway. */
    private void send(Call call) {
        try {
            outbox.execute(() -> post(call, FIRST_RESEND));
        } catch (RejectedExecutionException e) {
            post(call, null); // the loop is ending; say it now rather than not at all
        }
    }

    /**
     * Posts one call. An UPDATE the agent did not take (a 503 while it recovers, a refused
     * connection) is posted again after {@code resendAfter}, doubling, for as long as it stays
     * unacknowledged: otherwise only a new SUBSCRIBE would carry it, and while the event stream
     * stays up that never comes, and the task never ends for the scheduler. A MESSAGE is best
     * effort; its TASK_FINISHED carries the same result.
     */
    private void post(Call call, Duration resendAfter) {
        HttpRequest request = MesosHttp.post(env.executorApi(), env.encoding(), env.encoding().encode(call), authorization())
                .timeout(CALL_TIMEOUT)
                .build();
        try {
            MesosHttp.sendExpectingAccepted(http, request, call.getType().name());
        } catch (InterruptedIOException e) {
            log("%s not sent: interrupted", describeCall(call));
        } catch (IOException e) {
            boolean resend = resendAfter != null && call.getType() == Call.Type.UPDATE;
            log("%s not sent: %s%s", describeCall(call), MesosHttp.describe(e),
                    resend ? "; sending it again in " + resendAfter.toMillis() + " ms unless acknowledged first" : "");
            if (resend) resendLater(call, resendAfter);
        }
    }

    private void resendLater(Call update, Duration after) {
        Duration next = after.multipliedBy(2).compareTo(MAX_RESEND) > 0 ? MAX_RESEND : after.multipliedBy(2);
        try {
            timers.schedule(() -> {
                if (ledger.isUnacknowledged(update.getUpdate().getStatus().getUuid())) {
                    outbox.execute(() -> post(update, next));
                }
            }, after.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the loop is ending; the agent reports the task once the executor is gone
        }
    }

    private Optional<String> authorization() {
        return env.authenticationToken().map(token -> "Bearer " + token);
    }

    private void logTask(RunningTask task, TaskState state, String detail) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - task.startNanos);
        log("task %s %s in %d ms: %s%s", task.info.getTaskId().getValue(), state, millis, task.request.url(),
                detail == null ? "" : " (" + detail + ")");
    }

    private void log(String format, Object... args) {
        log.println(clock.instant() + " " + String.format(format, args));
    }

    private static String describeCall(Call call) {
        if (call.getType() != Call.Type.UPDATE) return call.getType().name();
        TaskStatus status = call.getUpdate().getStatus();
        return "UPDATE " + status.getState() + " for task " + status.getTaskId().getValue();
    }

    /** The page-level error a finished task reports (404, timeout), for the log line. */
    private static String pageError(ResultMessage result) {
        String error = switch (result.kind()) {
            case CRAWL -> result.crawl().error();
            case RENDER -> result.render().error();
        };
        return error == null ? null : "page error: " + error;
    }

    static String oneLine(Throwable failure) {
        String message = failure.getMessage();
        String text = message == null || message.isBlank()
                ? failure.getClass().getSimpleName()
                : failure.getClass().getSimpleName() + ": " + message;
        text = text.replaceAll("\\s+", " ").strip();
        return text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS - 1) + "…";
    }

    /** Daemon threads named like {@code crawl-task-3}, so a thread dump says whose they are. */
    private java.util.concurrent.ThreadFactory daemonThreads(String role) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, handler.kind().label() + "-" + role + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** A launched task that has not reached a terminal state. */
    private static final class RunningTask {
        final TaskInfo info;
        final TaskRequest request;
        final long startNanos;
        volatile Future<?> future;
        /** The pending TASK_RUNNING, if any; guarded by this task's lock. */
        Future<?> runningReport;

        RunningTask(TaskInfo info, TaskRequest request, long startNanos) {
            this.info = info;
            this.request = request;
            this.startNanos = startNanos;
        }

        /** Called holding this task's lock, after the task was claimed for its terminal update. */
        void cancelRunningReport() {
            if (runningReport != null) runningReport.cancel(false);
            runningReport = null;
        }
    }

    /**
     * The updates the agent has not acknowledged, and the tasks none of whose updates it has,
     * in the order they happened; both go into a resubscription's SUBSCRIBE.
     */
    private static final class Ledger {
        private final Map<ByteString, Call.Update> updates = new LinkedHashMap<>();
        private final Map<String, TaskInfo> tasks = new LinkedHashMap<>();

        synchronized void taskLaunched(TaskInfo task) {
            tasks.put(task.getTaskId().getValue(), task);
        }

        synchronized void updateSent(Call.Update update) {
            updates.put(update.getStatus().getUuid(), update);
        }

        synchronized void acknowledged(TaskID taskId, ByteString uuid) {
            updates.remove(uuid);
            tasks.remove(taskId.getValue());
        }

        synchronized boolean isUnacknowledged(ByteString uuid) {
            return updates.containsKey(uuid);
        }

        synchronized List<Call.Update> unacknowledgedUpdates() {
            return List.copyOf(updates.values());
        }

        synchronized List<TaskInfo> unacknowledgedTasks() {
            return List.copyOf(tasks.values());
        }
    }
}
