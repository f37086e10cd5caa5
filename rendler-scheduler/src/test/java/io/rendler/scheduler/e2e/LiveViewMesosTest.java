package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.rendler.mesossim.MesosSimulator;
import io.rendler.render.BrowserLocator;
import io.rendler.scheduler.demo.DemoSite;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live view under {@code --master}: the Mesos simulator runs the real executors, and the event
 * stream must show the cluster as the framework sees it (offers arriving, tasks launched, status
 * updates, ACKs and framework messages), and the page must draw it.
 *
 * <p>Depends on the Mesos backend's {@code clusterWatch()} (the lead's change): until that is merged
 * no {@code cluster} or {@code activity} event is ever sent, and this test fails.
 */
class LiveViewMesosTest {

    @Test
    void theEventStreamShowsOffersLaunchesUpdatesAndMessagesAsTheyHappen(@TempDir Path out) throws Exception {
        try (DemoSite site = DemoSite.start();
             MesosSimulator mesos = MesosSimulator.builder().heartbeatInterval(Duration.ofSeconds(2)).start()) {
            Path stderr = out.resolve("stderr.txt");
            Process rendler = Rendler.startAsTerminalJob(out.resolve("stdout.txt"), stderr, "--master", mesos.masterAddress(),
                    "--output", out.resolve("run").toString(), "--max-pages", "40", "--viewport", "640x400",
                    "--failover-timeout", "60s", "--ui", site.startUrl());
            try {
                String url = LiveViewTest.liveUrl(rendler, stderr);
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpResponse<InputStream> events = http.send(HttpRequest.newBuilder(URI.create(url + "events")).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, events.statusCode());
                assertTrue(events.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));

                // The stream is read on its own thread from the start, while a browser watches too.
                Set<String> activityTypes = ConcurrentHashMap.newKeySet();
                AtomicReference<JsonObject> lastCluster = new AtomicReference<>();
                AtomicReference<String> backend = new AtomicReference<>();
                CompletableFuture<Boolean> done = CompletableFuture.supplyAsync(() -> {
                    try (BufferedReader lines = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
                        String event = null;
                        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                            if (line.startsWith("event: ")) event = line.substring(7);
                            if (!line.startsWith("data: ")) continue;
                            JsonElement data = JsonParser.parseString(line.substring(6));
                            switch (event) {
                                case "snapshot" -> {
                                    JsonObject snapshot = data.getAsJsonObject();
                                    backend.set(snapshot.getAsJsonObject("settings").get("backend").getAsString());
                                    if (snapshot.get("cluster").isJsonObject()) lastCluster.set(snapshot.getAsJsonObject("cluster"));
                                }
                                case "cluster" -> lastCluster.set(data.getAsJsonObject());
                                case "activity" -> data.getAsJsonArray()
                                        .forEach(a -> activityTypes.add(a.getAsJsonObject().get("type").getAsString()));
                                case "done" -> {
                                    return true;
                                }
                                default -> { }
                            }
                        }
                        return false;
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });

                try (Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
                     Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                             .setExecutablePath(BrowserLocator.installedOnly().locate(Optional.empty())))) {
                    Page page = browser.newPage();
                    page.navigate(url);
                    page.waitForFunction("() => document.querySelectorAll('#activity li').length > 0"
                            + " && !document.getElementById('cluster-panel').hidden && document.querySelectorAll('#agents .agent').length > 0",
                            null, new Page.WaitForFunctionOptions().setTimeout(120_000));
                    assertTrue(page.isHidden("#local-panel"));
                    assertTrue(page.textContent("#cluster-totals").contains("OFFERS"), page.textContent("#cluster-totals"));
                }

                assertTrue(done.get(4, TimeUnit.MINUTES), "the stream ended without done:\n" + Files.readString(stderr));
                assertEquals("mesos", backend.get());
                assertTrue(activityTypes.containsAll(Set.of("OFFERS", "ACCEPT", "UPDATE", "ACKNOWLEDGE", "MESSAGE")),
                        "activities seen: " + activityTypes);
                JsonObject cluster = lastCluster.get();
                assertTrue(cluster != null, "no cluster view was sent");
                assertTrue(cluster.getAsJsonObject("totals").get("OFFERS").getAsLong() > 0, cluster.toString());
                JsonArray agents = cluster.getAsJsonArray("agents");
                assertTrue(agents.size() >= 1, cluster.toString());
                JsonObject agent = agents.get(0).getAsJsonObject();
                assertTrue(agent.get("offers").getAsLong() > 0, agent.toString());
                assertTrue(agent.getAsJsonObject("launched").has("crawl"), agent.toString());
                assertTrue(agent.getAsJsonObject("tasks").has("render"), agent.toString());
                assertTrue(agent.getAsJsonObject("last_offer").has("cpus"), agent.toString());
            } finally {
                new ProcessBuilder("kill", "-INT", "--", "-" + rendler.pid()).inheritIO().start().waitFor();
                rendler.waitFor(60, TimeUnit.SECONDS);
                rendler.destroyForcibly();
            }
        }
    }
}
