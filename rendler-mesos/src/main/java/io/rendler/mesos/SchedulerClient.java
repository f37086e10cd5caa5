package io.rendler.mesos;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * The scheduler side of the Mesos v1 HTTP API: one SUBSCRIBE stream read on its own thread, and
 * every other call POSTed on its own connection. Transport only: events go to a {@link Listener},
 * decisions come back through {@link #send}.
 *
 * <p>The client keeps the subscription alive by itself. When the stream ends (EOF, a broken
 * connection, or no event for {@link Config#missedHeartbeats} heartbeat intervals) it tells the
 * listener, waits with capped exponential backoff and jitter, and resubscribes with the same
 * FrameworkID, following a 307 to the leading master. It gives up, and stops, when it cannot
 * resubscribe within the framework's failover timeout (at least {@link Config#giveUpAfter}),
 * because by then the master has removed the framework anyway.
 *
 * <p>Callbacks run on the stream thread, one at a time, in stream order. {@link #send} is
 * thread-safe and may be called from a callback. A callback that throws ends the process (see
 * {@link FatalErrors}): a scheduler whose event handling is broken must not linger.
 */
public final class SchedulerClient implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SchedulerClient.class.getName());
    private static final String API_PATH = "/api/v1/scheduler";
    private static final int MAX_REDIRECTS = 5;
    /** Mesos' documented default, used when SUBSCRIBED leaves heartbeat_interval_seconds out. */
    private static final double DEFAULT_HEARTBEAT_SECONDS = 15.0;
    private static final String TORN_DOWN = "framework torn down";

    /** What the scheduler core hears from the client. All calls come from the stream thread. */
    public interface Listener {

        /**
         * A SUBSCRIBED arrived: the first subscription or any resubscription. Calls may be sent
         * from here on. After a resubscription the core should RECONCILE its tasks.
         */
        void subscribed(FrameworkID frameworkId, Event.Subscribed subscribed);

        /**
         * Any other event, in stream order: HEARTBEAT, OFFERS, RESCIND, UPDATE, MESSAGE, FAILURE,
         * and the rest. Never SUBSCRIBED (see {@link #subscribed}) or ERROR (see {@link #stopped}).
         */
        void event(Event event);

        /** The subscription was lost; the client is already working on resubscribing. */
        void disconnected(String reason);

        /**
         * The client is finished and calls nothing more: an ERROR event (e.g. "Framework failed
         * over" when another scheduler took over our FrameworkID), a rejected SUBSCRIBE, an answer
         * that is not from a Mesos master, an UPDATE that cannot be acknowledged, the stream
         * ending after TEARDOWN, {@link #close()}, or no resubscription in time.
         */
        void stopped(String reason);
    }

    /** HTTP Basic credentials, sent on every request when the master requires authentication. */
    public record Credential(String principal, String secret) {
        public Credential {
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(secret, "secret");
        }

        String authorizationHeader() {
            String pair = principal + ":" + secret;
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Credential[principal=" + principal + ", secret=***]";
        }
    }

    /**
     * @param master           the master's base URI, e.g. {@code http://127.0.0.1:5050}
     * @param encoding         the encoding of calls and of the event stream
     * @param credential       HTTP Basic credentials, if the master wants them
     * @param backoff          waits between resubscription attempts
     * @param missedHeartbeats heartbeat intervals of silence after which the stream counts as dead
     * @param giveUpAfter      the least time to keep trying to resubscribe; the framework's
     *                         failover timeout extends it
     * @param callTimeout      how long one call may take, or SUBSCRIBE until its response headers
     */
    public record Config(
            URI master,
            MesosEncoding encoding,
            Optional<Credential> credential,
            Backoff backoff,
            int missedHeartbeats,
            Duration giveUpAfter,
            Duration callTimeout) {

        public Config {
            Objects.requireNonNull(master, "master");
            Objects.requireNonNull(encoding, "encoding");
            Objects.requireNonNull(credential, "credential");
            Objects.requireNonNull(backoff, "backoff");
            Objects.requireNonNull(giveUpAfter, "giveUpAfter");
            Objects.requireNonNull(callTimeout, "callTimeout");
            if (missedHeartbeats < 1) throw new IllegalArgumentException("missedHeartbeats must be at least 1");
            if (master.getScheme() == null || master.getHost() == null) {
                throw new IllegalArgumentException("master must be an absolute http URI: " + master);
            }
        }

        /** JSON, no credential, backoff 0.5 s doubling to 30 s, 3 missed heartbeats, 1 min, 30 s. */
        public static Config defaults(URI master) {
            return new Config(master, MesosEncoding.JSON, Optional.empty(),
                    new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30)), 3, Duration.ofMinutes(1), Duration.ofSeconds(30));
        }

        /** {@code host:port} or a full URI; a bare address means http. */
        public static URI masterUri(String address) {
            String trimmed = address.strip();
            return URI.create(trimmed.contains("://") ? trimmed : "http://" + trimmed);
        }

        public Config withEncoding(MesosEncoding value) {
            return new Config(master, value, credential, backoff, missedHeartbeats, giveUpAfter, callTimeout);
        }

        public Config withCredential(Credential value) {
            return new Config(master, encoding, Optional.of(value), backoff, missedHeartbeats, giveUpAfter, callTimeout);
        }

        public Config withBackoff(Backoff value) {
            return new Config(master, encoding, credential, value, missedHeartbeats, giveUpAfter, callTimeout);
        }

        public Config withMissedHeartbeats(int value) {
            return new Config(master, encoding, credential, backoff, value, giveUpAfter, callTimeout);
        }

        public Config withCallTimeout(Duration value) {
            return new Config(master, encoding, credential, backoff, missedHeartbeats, giveUpAfter, value);
        }

        public Config withGiveUpAfter(Duration value) {
            return new Config(master, encoding, credential, backoff, missedHeartbeats, value, callTimeout);
        }

        URI endpoint() {
            return master.resolve(API_PATH);
        }
    }

    /** Thrown by {@link #send} between subscriptions; the call can be retried after the next one. */
    public static final class NotSubscribedException extends IOException {
        NotSubscribedException(Call.Type type) {
            super("cannot send " + type + ": not subscribed to a Mesos master");
        }
    }

    /**
     * What answered SUBSCRIBE is not a Mesos master we can follow: a 200 that is not an event
     * stream (a login proxy, a web server on the wrong port) or a 307 to nowhere usable. Retrying
     * the same address cannot help, so the client stops.
     */
    private static final class NotAMesosMasterException extends IOException {
        NotAMesosMasterException(String message) {
            super(message);
        }
    }

    /** Where calls go while one subscription lasts. */
    private record Subscription(URI endpoint, String streamId, FrameworkID frameworkId, MesosEncoding encoding) {}

    /**
     * How one subscribe attempt ended: {@code retry} or not, whether SUBSCRIBED had arrived, and
     * whether nothing answered at all (refused, or a host name that does not resolve).
     */
    private record StreamEnd(boolean retry, boolean wasSubscribed, boolean unreachable, String reason) {
        StreamEnd(boolean retry, boolean wasSubscribed, String reason) {
            this(retry, wasSubscribed, false, reason);
        }
    }

    /**
     * Before the first SUBSCRIBED, a master that refuses connections or whose name does not resolve
     * is a typo or a master that is not running: say so after this long instead of waiting out the
     * whole deadline. A master that is slow to answer still gets it; so does one that refuses after
     * we were subscribed (it is restarting, and the tasks keep running).
     */
    static final Duration FIRST_CONTACT_GRACE = Duration.ofSeconds(2);

    private final Config config;
    private final Listener listener;
    private final HttpClient http;
    private final Sleeper sleeper;
    private final Clock clock;
    private final DoubleSupplier jitter;
    private final FatalErrors fatal;
    private final ScheduledExecutorService watchdogTimer;
    private final Thread streamThread;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Object lifecycle = new Object();

    private volatile FrameworkInfo frameworkInfo;
    private volatile Subscription subscription;
    private volatile URI leader;
    private volatile long lastEventMillis;
    private volatile InputStream openStream;
    private volatile String abortReason;
    private volatile String stopReason;
    private boolean started;

    public SchedulerClient(Config config, FrameworkInfo frameworkInfo, Listener listener) {
        this(config, frameworkInfo, listener, MesosHttp.newClient(), Sleeper.REAL, Clock.systemUTC(),
                () -> ThreadLocalRandom.current().nextDouble(), FatalErrors.EXIT);
    }

    SchedulerClient(Config config, FrameworkInfo frameworkInfo, Listener listener, HttpClient http,
            Sleeper sleeper, Clock clock, DoubleSupplier jitter, FatalErrors fatal) {
        this.config = Objects.requireNonNull(config, "config");
        this.frameworkInfo = Objects.requireNonNull(frameworkInfo, "frameworkInfo");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.http = http;
        this.sleeper = sleeper;
        this.clock = clock;
        this.jitter = jitter;
        this.fatal = fatal;
        this.leader = config.endpoint();
        this.watchdogTimer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "mesos-heartbeat-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        this.streamThread = new Thread(this::runStream, "mesos-scheduler-stream");
        this.streamThread.setDaemon(true);
    }

    /** Subscribes in the background; the listener hears the outcome. */
    public void start() {
        synchronized (lifecycle) {
            if (started) throw new IllegalStateException("already started");
            started = true;
        }
        streamThread.start();
    }

    /**
     * Sends one call on its own connection, stamped with the subscribed framework's id and the
     * stream id. Returns when the master has answered 202 Accepted, which means queued, not done.
     *
     * @throws NotSubscribedException between subscriptions
     * @throws MesosHttpException     for any other answer, with its status and text
     * @throws IOException            when the master cannot be reached
     */
    public void send(Call call) throws IOException {
        if (call.getType() == Call.Type.SUBSCRIBE) throw new IllegalArgumentException("the client subscribes by itself");
        Subscription current = subscription;
        if (current == null) throw new NotSubscribedException(call.getType());
        Call stamped = SchedulerCalls.withFrameworkId(call, current.frameworkId());
        HttpRequest request = MesosHttp.post(current.endpoint(), current.encoding(), current.encoding().encode(stamped), authorization())
                .header(MesosHttp.STREAM_ID_HEADER, current.streamId())
                .timeout(config.callTimeout())
                .build();
        if (call.getType() != Call.Type.TEARDOWN) {
            MesosHttp.sendExpectingAccepted(http, request, call.getType().name());
            return;
        }
        // The master ends the stream right after TEARDOWN, without any event, and possibly before
        // our 202 arrives; that EOF must not look like a lost connection worth resubscribing over.
        requestStop(TORN_DOWN);
        try {
            MesosHttp.sendExpectingAccepted(http, request, call.getType().name());
        } catch (IOException e) {
            synchronized (lifecycle) {
                if (TORN_DOWN.equals(stopReason)) stopReason = null; // still subscribed after all
            }
            throw e;
        }
    }

    /** The framework's id once subscribed; it survives disconnections. */
    public Optional<FrameworkID> frameworkId() {
        FrameworkInfo info = frameworkInfo;
        return info.hasId() ? Optional.of(info.getId()) : Optional.empty();
    }

    /** The current stream's Mesos-Stream-Id, empty between subscriptions. */
    public Optional<String> streamId() {
        Subscription current = subscription;
        return current == null ? Optional.empty() : Optional.of(current.streamId());
    }

    /** Waits until the client has stopped and {@link Listener#stopped} has returned. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops for good: closes the stream without resubscribing (the master then waits the
     * failover timeout for us). Safe to call from a listener callback.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (!started) { // nothing runs, so nobody else will release awaitStopped()
                started = true;
                finished.countDown();
                return;
            }
        }
        requestStop("client closed");
        abortStream("client closed");
        if (Thread.currentThread() == streamThread) return; // from a callback: the loop ends when it returns
        streamThread.interrupt(); // wakes a backoff wait
        if (streamThread.isAlive()) {
            try {
                streamThread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void requestStop(String reason) {
        synchronized (lifecycle) {
            if (stopReason == null) stopReason = reason;
        }
    }

    private boolean stopRequested() {
        return stopReason != null;
    }

    private void runStream() {
        String reason;
        try {
            reason = subscribeUntilDone();
        } catch (InterruptedException e) {
            reason = stopRequested() ? stopReason : "interrupted";
        } catch (Throwable unexpected) {
            fatal.die("the Mesos scheduler stream thread", unexpected);
            reason = "failed: " + MesosHttp.describe(unexpected);
        }
        watchdogTimer.shutdownNow();
        try {
            listener.stopped(reason);
        } catch (Throwable unexpected) {
            fatal.die("SchedulerClient.Listener.stopped", unexpected);
        } finally {
            finished.countDown();
        }
    }

    /** The resubscription loop; returns why the client stops. */
    private String subscribeUntilDone() throws InterruptedException {
        int failedAttempts = 0;
        boolean everSubscribed = false;
        Instant unsubscribedSince = clock.instant();
        while (true) {
            if (stopRequested()) return stopReason;
            StreamEnd end = subscribeOnce();
            if (!end.retry()) return end.reason();
            if (stopRequested()) return stopReason;
            if (end.wasSubscribed()) {
                everSubscribed = true;
                failedAttempts = 0;
                unsubscribedSince = clock.instant();
                listener.disconnected(end.reason());
            }
            Duration trying = Duration.between(unsubscribedSince, clock.instant());
            if (!everSubscribed && end.unreachable() && trying.compareTo(FIRST_CONTACT_GRACE) >= 0) return end.reason();
            Duration limit = resubscribeDeadline();
            if (trying.compareTo(limit) > 0) {
                return "could not subscribe within " + limit.toSeconds() + " s; last failure: " + end.reason();
            }
            Duration wait = config.backoff().delay(failedAttempts++, jitter.getAsDouble());
            LOG.log(Level.INFO, "Mesos subscription attempt failed ({0}); retrying in {1} ms", end.reason(), wait.toMillis());
            sleeper.sleep(wait);
        }
    }

    private Duration resubscribeDeadline() {
        Duration failover = FrameworkInfos.failoverTimeout(frameworkInfo);
        return failover.compareTo(config.giveUpAfter()) > 0 ? failover : config.giveUpAfter();
    }

    /** One SUBSCRIBE and the life of its stream. */
    private StreamEnd subscribeOnce() {
        HttpResponse<InputStream> response;
        try {
            response = openStreamFollowingRedirects();
        } catch (NotAMesosMasterException e) {
            return new StreamEnd(false, false, e.getMessage());
        } catch (MesosHttpException e) {
            // 4xx will not heal by retrying (bad credentials, malformed framework info); 5xx
            // (e.g. 503 while the masters elect a leader) may.
            return new StreamEnd(!e.isClientError(), false, "SUBSCRIBE rejected: " + e.getMessage());
        } catch (InterruptedIOException e) {
            return new StreamEnd(false, false, stopRequested() ? stopReason : "interrupted");
        } catch (IOException e) {
            URI tried = leader;
            leader = config.endpoint(); // the leader may be gone; ask the configured master again
            Optional<String> silence = nothingAnswered(e);
            return new StreamEnd(true, false, silence.isPresent(), "cannot reach " + tried + ": " + silence.orElse(MesosHttp.describe(e)));
        }
        try (InputStream body = response.body()) {
            return readStream(response, body);
        } catch (IOException e) {
            return new StreamEnd(true, false, MesosHttp.describe(e));
        }
    }

    /**
     * "connection refused" or "unknown host" when nothing answered at all. The JDK client reports
     * both as a ConnectException without a message; the cause tells them apart.
     */
    private static Optional<String> nothingAnswered(IOException e) {
        boolean connect = false;
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.nio.channels.UnresolvedAddressException || cause instanceof java.net.UnknownHostException) {
                return Optional.of("unknown host");
            }
            connect |= cause instanceof java.net.ConnectException;
        }
        return connect ? Optional.of("connection refused") : Optional.empty();
    }

    private HttpResponse<InputStream> openStreamFollowingRedirects() throws IOException {
        Call subscribe = SchedulerCalls.subscribe(frameworkInfo);
        MesosEncoding encoding = config.encoding();
        for (int redirects = 0; redirects <= MAX_REDIRECTS; redirects++) {
            URI endpoint = leader;
            // The timeout covers the wait for the response headers only, not the stream after them.
            HttpRequest request = MesosHttp.post(endpoint, encoding, encoding.encode(subscribe), authorization())
                    .timeout(config.callTimeout())
                    .build();
            HttpResponse<InputStream> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while subscribing");
            }
            int status = response.statusCode();
            if (status == 200) return requireEventStream(endpoint, response);
            String text;
            try (InputStream body = response.body()) {
                text = MesosHttp.text(body.readAllBytes());
            }
            if (status == 307) {
                String location = response.headers().firstValue("Location")
                        .orElseThrow(() -> new NotAMesosMasterException("307 from " + endpoint + " without a Location"));
                leader = leaderAt(endpoint, location);
                LOG.log(Level.INFO, "Mesos master {0} redirected us to the leader {1}", endpoint, leader);
                continue;
            }
            throw new MesosHttpException("SUBSCRIBE", endpoint, status, text);
        }
        throw new IOException("more than " + MAX_REDIRECTS + " redirects while looking for the leading master");
    }

    /** The 200 answer to SUBSCRIBE, if it is a Mesos event stream: it names its encoding and carries a stream id. */
    private static HttpResponse<InputStream> requireEventStream(URI endpoint, HttpResponse<InputStream> response) throws IOException {
        String contentType = response.headers().firstValue("Content-Type").orElse("no Content-Type");
        String problem = null;
        try {
            MesosEncoding.ofContentType(contentType);
            if (response.headers().firstValue(MesosHttp.STREAM_ID_HEADER).isEmpty()) problem = "no " + MesosHttp.STREAM_ID_HEADER + " header";
        } catch (IllegalArgumentException e) {
            problem = clip(contentType);
        }
        if (problem == null) return response;
        response.body().close();
        throw new NotAMesosMasterException("SUBSCRIBE to " + endpoint + " was answered 200 with " + problem
                + ", not a Mesos event stream; is that address a Mesos master, and not a proxy or another service?");
    }

    /**
     * Where a 307 sends us. Mesos quirk: a non-leading master answers with a protocol-relative
     * Location, "//host:port/api/v1/scheduler"; it resolves against the current URI.
     */
    private static URI leaderAt(URI endpoint, String location) throws NotAMesosMasterException {
        URI resolved;
        try {
            resolved = endpoint.resolve(location.strip());
        } catch (IllegalArgumentException e) {
            throw new NotAMesosMasterException("307 from " + endpoint + " to '" + clip(location) + "', which is not a URI");
        }
        String scheme = resolved.getScheme() == null ? "" : resolved.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || resolved.getHost() == null) {
            throw new NotAMesosMasterException("307 from " + endpoint + " to '" + clip(location) + "', which is not an http(s) address");
        }
        return resolved;
    }

    /** At most 200 printable characters of something a stranger sent, for a one-line message. */
    private static String clip(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 200 ? printable : printable.substring(0, 199) + "…";
    }

    /**
     * Why an event cannot be handed on, if it cannot. Mesos rule: an update with a uuid must be
     * acknowledged, and an acknowledgement names the agent; an update without agent_id would be
     * resent forever, so the master that sent it is not one we can work with.
     */
    private static Optional<String> unusable(Event event) {
        if (event.getType() != Event.Type.UPDATE) return Optional.empty();
        var status = event.getUpdate().getStatus();
        if (status.getUuid().isEmpty() || status.hasAgentId()) return Optional.empty();
        return Optional.of("Mesos sent an UPDATE for task " + clip(status.getTaskId().getValue())
                + " with a uuid but no agent_id, which cannot be acknowledged");
    }

    private StreamEnd readStream(HttpResponse<InputStream> response, InputStream body) throws IOException {
        String streamId = response.headers().firstValue(MesosHttp.STREAM_ID_HEADER)
                .orElseThrow(() -> new IOException("SUBSCRIBE answer has no " + MesosHttp.STREAM_ID_HEADER + " header"));
        MesosEncoding encoding = response.headers().firstValue("Content-Type")
                .map(MesosEncoding::ofContentType)
                .orElse(config.encoding());
        RecordIO.Reader reader = new RecordIO.Reader(body);
        abortReason = null;
        openStream = body;
        boolean subscribed = false;
        ScheduledFuture<?> watchdog = null;
        try {
            if (stopRequested()) return new StreamEnd(false, false, stopReason);
            while (true) {
                Optional<byte[]> record;
                try {
                    record = reader.next();
                } catch (IOException e) {
                    return new StreamEnd(true, subscribed, abortReason != null ? abortReason : "event stream broke: " + MesosHttp.describe(e));
                }
                if (record.isEmpty()) {
                    if (stopRequested()) return new StreamEnd(false, subscribed, stopReason);
                    return new StreamEnd(true, subscribed, abortReason != null ? abortReason : "the master closed the event stream");
                }
                lastEventMillis = clock.millis();
                Event event;
                try {
                    event = encoding.decode(record.get(), Event.getDefaultInstance());
                } catch (IOException e) {
                    return new StreamEnd(true, subscribed, "undecodable event: " + MesosHttp.describe(e));
                }
                switch (event.getType()) {
                    case SUBSCRIBED -> {
                        Event.Subscribed details = event.getSubscribed();
                        FrameworkID frameworkId = details.getFrameworkId();
                        frameworkInfo = FrameworkInfos.withId(frameworkInfo, frameworkId);
                        subscription = new Subscription(leader, streamId, frameworkId, encoding);
                        subscribed = true;
                        if (watchdog == null) watchdog = startWatchdog(details);
                        listener.subscribed(frameworkId, details);
                    }
                    case ERROR -> {
                        // Mesos' advice is to abort: it sends ERROR when another scheduler
                        // subscribed with our FrameworkID ("Framework failed over"), when the
                        // framework was removed, or on authorization failures. Resubscribing
                        // would only fight the new owner.
                        return new StreamEnd(false, subscribed, "Mesos sent ERROR: " + event.getError().getMessage());
                    }
                    default -> {
                        Optional<String> unusable = unusable(event);
                        if (unusable.isPresent()) return new StreamEnd(false, subscribed, unusable.get());
                        if (subscribed) {
                            listener.event(event);
                        } else {
                            LOG.log(Level.WARNING, "ignoring {0} that arrived before SUBSCRIBED", event.getType());
                        }
                    }
                }
            }
        } finally {
            subscription = null;
            openStream = null;
            if (watchdog != null) watchdog.cancel(false);
        }
    }

    /**
     * The master sends HEARTBEAT every heartbeat_interval_seconds (15 s; the framework cannot
     * change it), right after SUBSCRIBED too. A half-open TCP connection gives no EOF, so silence
     * is the only sign that the master is gone.
     */
    private ScheduledFuture<?> startWatchdog(Event.Subscribed subscribed) {
        double seconds = subscribed.hasHeartbeatIntervalSeconds() && subscribed.getHeartbeatIntervalSeconds() > 0
                ? subscribed.getHeartbeatIntervalSeconds()
                : DEFAULT_HEARTBEAT_SECONDS;
        long intervalMillis = Math.max(1, Math.round(seconds * 1000));
        long allowedSilence = intervalMillis * config.missedHeartbeats();
        long checkEvery = Math.max(1, intervalMillis / 2);
        return watchdogTimer.scheduleAtFixedRate(() -> {
            long silence = clock.millis() - lastEventMillis;
            if (silence > allowedSilence) {
                abortStream("no event from the master for " + silence + " ms (" + config.missedHeartbeats()
                        + " heartbeat intervals of " + intervalMillis + " ms)");
            }
        }, checkEvery, checkEvery, TimeUnit.MILLISECONDS);
    }

    /** Ends the current stream from another thread: closing its body wakes the blocked reader. */
    private void abortStream(String reason) {
        InputStream stream = openStream;
        if (stream == null) return;
        if (abortReason == null) abortReason = reason;
        try {
            stream.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the event stream: {0}", MesosHttp.describe(e));
        }
    }

    private Optional<String> authorization() {
        return config.credential().map(Credential::authorizationHeader);
    }
}
