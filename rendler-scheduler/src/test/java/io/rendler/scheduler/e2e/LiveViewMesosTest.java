package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rendler.mesossim.MesosSimulator;
import io.rendler.scheduler.demo.DemoSite;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live view under {@code --master}: the Mesos simulator runs the real executors, and the event
 * stream must show the cluster as the framework sees it: offers arriving, tasks launched, status
 * updates and framework messages.
 *
 * <p>Depends on the Mesos backend's {@code clusterWatch()} (the lead's change): until that is merged
 * no {@code cluster} event is ever sent, and this test fails.
 */
class LiveViewMesosTest {

    @Test
    void theEventStreamShowsOffersLaunchesUpdatesAndMessagesAsTheyHappen(@TempDir Path out) throws Exception {
        try (DemoSite site = DemoSite.start();
             MesosSimulator mesos = MesosSimulator.builder().heartbeatInterval(Duration.ofSeconds(2)).start()) {
            Path stderr = out.resolve("stderr.txt");
            Process rendler = Rendler.startAsTerminalJob(out.resolve("stdout.txt"), stderr, "--master", mesos.masterAddress(),
                    "--output", out.resolve("run").toString(), "--max-pages", "20", "--viewport", "640x400",
                    "--failover-timeout", "60s", "--ui", site.startUrl());
            try {
                String url = LiveViewTest.liveUrl(rendler, stderr);
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpResponse<java.io.InputStream> events = http.send(HttpRequest.newBuilder(URI.create(url + "events")).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, events.statusCode());
                assertTrue(events.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));

                Set<String> activityTypes = new HashSet<>();
                JsonObject lastCluster = null;
                boolean done = false;
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
                    String event = null;
                    for (String line = lines.readLine(); line != null && !done && System.nanoTime() < deadline; line = lines.readLine()) {
                        if (line.startsWith("event: ")) event = line.substring(7);
                        if (!line.startsWith("data: ")) continue;
                        JsonElement data = JsonParser.parseString(line.substring(6));
                        switch (event) {
                            case "snapshot" -> {
                                JsonObject snapshot = data.getAsJsonObject();
                                assertEquals("mesos", snapshot.getAsJsonObject("settings").get("backend").getAsString());
                                if (snapshot.get("cluster").isJsonObject()) lastCluster = snapshot.getAsJsonObject("cluster");
                            }
                            case "cluster" -> lastCluster = data.getAsJsonObject();
                            case "activity" -> data.getAsJsonArray().forEach(a -> activityTypes.add(a.getAsJsonObject().get("type").getAsString()));
                            case "done" -> done = true;
                            default -> { }
                        }
                    }
                }
                assertTrue(done, "the stream ended without done:\n" + Files.readString(stderr));
                assertTrue(activityTypes.containsAll(Set.of("OFFERS", "ACCEPT", "UPDATE", "ACKNOWLEDGE", "MESSAGE")),
                        "activities seen: " + activityTypes);
                assertTrue(lastCluster != null, "no cluster view was sent");
                JsonObject totals = lastCluster.getAsJsonObject("totals");
                assertTrue(totals.get("OFFERS").getAsLong() > 0, totals.toString());
                JsonArray agents = lastCluster.getAsJsonArray("agents");
                assertTrue(agents.size() >= 1, lastCluster.toString());
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
