package io.rendler.scheduler.cli;

import io.rendler.mesos.FrameworkInfos;
import io.rendler.mesos.SchedulerClient;
import io.rendler.render.RenderSettings;
import io.rendler.scheduler.journal.MesosRegistration;
import io.rendler.scheduler.mesos.MesosBackend;
import io.rendler.scheduler.mesos.MesosSettings;
import io.rendler.scheduler.run.SetupException;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** Turns the Mesos options into a {@link MesosBackend}, checking each the way a user would want. */
final class MesosBackendFactory {

    private final CrawlOptions options;
    private final Consumer<String> log;

    MesosBackendFactory(CrawlOptions options, Consumer<String> log) {
        this.options = options;
        this.log = log;
    }

    /**
     * @param resumeAs   the framework of the crawl being resumed, to take back
     * @param registered hears what the crawl registers as, for the journal
     */
    MesosBackend create(Path outDir, Optional<MesosRegistration> resumeAs, Consumer<MesosRegistration> registered) {
        URI master = masterUri(options.master);
        String advertiseHost = options.advertiseHost != null ? options.advertiseHost : localAddressTowards(master);
        MesosSettings settings = new MesosSettings(
                master.getHost() + ":" + master.getPort(),
                "rendler",
                options.mesosUser != null ? options.mesosUser : FrameworkInfos.currentUser(),
                options.role,
                options.failoverTimeout,
                credential(),
                advertiseHost,
                options.fileServerBind != null ? options.fileServerBind : advertiseHost,
                screenshotBudget(),
                executorJars(),
                options.crawlConcurrency,
                options.renderConcurrency,
                Optional.ofNullable(options.chromium),
                options.chromiumArgs,
                options.mesosEncoding);
        return new MesosBackend(settings, outDir.resolve("screenshots"), log, resumeAs, registered);
    }

    /**
     * The screenshot bytes a run may upload: two bytes a pixel for every page it may render. A
     * screenshot is capped at its raw four bytes a pixel, and a real one rarely takes half of that,
     * so only a flood of junk uploads reaches this.
     */
    private long screenshotBudget() {
        return 2L * options.viewport.width() * options.viewport.height() * Math.max(1, options.maxPages);
    }

    private static URI masterUri(String address) {
        try {
            URI uri = new URI("http://" + address.strip());
            if (uri.getHost() == null || uri.getPort() == -1 || (uri.getPath() != null && !uri.getPath().isEmpty())) {
                throw new URISyntaxException(address, "expected HOST:PORT");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new SetupException("--master '" + address + "' is neither 'local' nor HOST:PORT, e.g. 192.168.56.10:5050");
        }
    }

    private Optional<SchedulerClient.Credential> credential() {
        if (options.principal == null && options.secretFile == null) return Optional.empty();
        if (options.principal == null || options.secretFile == null) {
            throw new SetupException("--principal and --secret-file go together");
        }
        try {
            String secret = Files.readString(options.secretFile, StandardCharsets.UTF_8).strip();
            if (secret.isEmpty()) throw new SetupException("the secret file " + options.secretFile + " is empty");
            return Optional.of(new SchedulerClient.Credential(options.principal, secret));
        } catch (IOException e) {
            throw new SetupException("cannot read the secret file " + options.secretFile + ": " + e.getMessage());
        }
    }

    /**
     * The address of this machine on the route to the master: agents on the master's network can
     * usually reach us there. Connecting a UDP socket sends nothing; it only picks the route.
     */
    private static String localAddressTowards(URI master) {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(master.getHost(), master.getPort()));
            String address = probe.getLocalAddress().getHostAddress();
            if (!address.equals("0.0.0.0")) return address;
        } catch (IOException | IllegalArgumentException e) {
            // Fall through to the error below.
        }
        throw new SetupException("cannot tell which address agents should use to reach this machine; pass --advertise-host");
    }

    /**
     * Finds the executor jars: in --executor-jars, else next to rendler.jar, else in the source
     * tree's module target folders (a checkout after {@code mvn package}).
     */
    private Map<String, Path> executorJars() {
        List<Path> dirs = new ArrayList<>();
        if (options.executorJars != null) {
            dirs.add(options.executorJars);
        } else {
            Path self = selfLocation();
            if (self != null) {
                Path dir = Files.isDirectory(self) ? self : self.getParent();
                dirs.add(dir);
                // rendler-scheduler/target/{rendler.jar,classes} -> crawl-executor/target and render-executor/target
                Path repo = dir.getFileName().toString().equals("target") ? dir.getParent().getParent()
                        : dir.getParent() != null && dir.getParent().getFileName().toString().equals("target")
                                ? dir.getParent().getParent().getParent() : null;
                if (repo != null) {
                    dirs.add(repo.resolve("crawl-executor/target"));
                    dirs.add(repo.resolve("render-executor/target"));
                }
            }
        }
        Map<String, Path> jars = new LinkedHashMap<>();
        for (String name : List.of(MesosSettings.CRAWL_JAR, MesosSettings.RENDER_JAR)) {
            Path found = dirs.stream().map(d -> d.resolve(name)).filter(Files::isRegularFile).findFirst()
                    .orElseThrow(() -> new SetupException("cannot find " + name + " (looked in " + dirs
                            + "); build it with 'mvn package' or pass --executor-jars DIR"));
            jars.put(name, found.toAbsolutePath());
        }
        return jars;
    }

    private static Path selfLocation() {
        try {
            return Path.of(MesosBackendFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException | SecurityException e) {
            return null;
        }
    }
}
