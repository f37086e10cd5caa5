package io.rendler.scheduler.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rendler.scheduler.core.Progress;
import io.rendler.scheduler.graph.GraphSnapshot;
import io.rendler.scheduler.graph.PageRecord;
import io.rendler.scheduler.graph.PageStatus;
import io.rendler.scheduler.graph.RunSummary;
import io.rendler.scheduler.ui.ClusterActivity;
import io.rendler.scheduler.ui.ClusterView;
import io.rendler.scheduler.ui.ClusterWatch;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live view's HTTP side on a real socket: what it serves, to whom, and the event stream's shape. */
class LiveViewServerTest {

    @TempDir Path work;
    private Path output;
    private LiveView view;

    private static final PageRecord PAGE = new PageRecord("http://site/", 0, PageStatus.RENDERED, "http://site/", 200,
            "text/html", "0001.png", null, false, 5, 7, 1, 1);

    @BeforeEach
    void start() throws Exception {
        output = Files.createDirectories(work.resolve("out"));
        Files.createDirectories(output.resolve("screenshots"));
        Files.write(output.resolve("screenshots/0001.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        for (String name : List.of("report.html", "graph.svg", "pages.json", "rendler.dot", "rendler.journal")) {
            Files.writeString(output.resolve(name), name);
        }
        Files.writeString(work.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(output.resolve("screenshots/link.png"), work.resolve("secret.txt"));
        view = start(InetAddress.getLoopbackAddress(), OptionalInt.empty());
    }

    private LiveView start(InetAddress bind, OptionalInt port) throws LiveView.Unavailable {
        LiveFeed feed = new LiveFeed(new LiveFeed.Settings("http://site/", 10, 2, true, "local", null, 2, 1),
                System::currentTimeMillis, 64);
        LiveView started = LiveView.start(bind, port, output, feed);
        feed.attach(new LiveFeed.Source() {
            @Override
            public GraphSnapshot snapshot() {
                return new GraphSnapshot(List.of(PAGE), List.of());
            }

            @Override
            public GraphSnapshot snapshotOf(Collection<String> urls) {
                return snapshot();
            }

            @Override
            public Progress progress() {
                return new Progress(1, 1, 1, 0, 0, 0, 0, 0);
            }
        });
        return started;
    }

    @AfterEach
    void stop() {
        view.close();
    }

    private record Answer(int status, String head, String body) {}

    private Answer request(LiveView target, String method, String path, String host) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), target.address().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((method + " " + path + " HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n")
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] all = socket.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int split = text.indexOf("\r\n\r\n");
            return new Answer(Integer.parseInt(text.split(" ", 3)[1]), text.substring(0, split), text.substring(split + 4));
        }
    }

    private Answer get(String path) throws IOException {
        return request(view, "GET", path, "127.0.0.1:" + view.address().getPort());
    }

    @Test
    void servesItsPageToThisMachinesNamesOnly() throws IOException {
        int port = view.address().getPort();
        assertEquals("http://127.0.0.1:" + port + "/", view.url());
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "localhost", "[::1]:" + port, "LOCALHOST")) {
            Answer answer = request(view, "GET", "/", host);
            assertEquals(200, answer.status(), host);
            assertTrue(answer.body().contains("<title>Rendler live</title>"));
            assertTrue(answer.head().contains("Content-Security-Policy: default-src 'self';"), answer.head());
        }
        for (String host : List.of("rebind.attacker.example:" + port, "127.0.0.1.attacker.example", "")) {
            assertEquals(403, request(view, "GET", "/", host).status(), host);
        }
        assertEquals(403, request(view, "GET", "/", null).status(), "no Host at all");
        assertEquals(405, request(view, "POST", "/", "localhost").status());
        assertTrue(request(view, "DELETE", "/pages.json", "localhost").head().contains("Allow: GET, HEAD"));
    }

    @Test
    void onEveryAddressItAnswersToThisMachinesAddressesAndNameButNotToAForeignName() throws Exception {
        LiveView wide = start(InetAddress.getByName("0.0.0.0"), OptionalInt.empty());
        try {
            int port = wide.address().getPort();
            List<String> ours = new ArrayList<>(List.of(InetAddress.getLocalHost().getHostName()));
            for (java.net.NetworkInterface nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : java.util.Collections.list(nic.getInetAddresses())) {
                    if (address instanceof java.net.Inet4Address) ours.add(address.getHostAddress());
                }
            }
            for (String host : ours) assertEquals(200, request(wide, "GET", "/", host + ":" + port).status(), host);
            // A page whose own name now points at this machine (DNS rebinding) is still refused.
            assertEquals(403, request(wide, "GET", "/events", "rebind.attacker.example:" + port).status());
        } finally {
            wide.close();
        }
    }

    @Test
    void servesTheScreenshotsAlwaysTheOutputsOnceWrittenAndNothingElse() throws IOException {
        Answer png = get("/screenshots/0001.png");
        assertEquals(200, png.status());
        assertTrue(png.head().contains("Content-Type: image/png"));
        assertEquals(404, get("/report.html").status(), "an earlier run's report is not served during this one");
        view.finish(new RunSummary("http://site/", 1, 1, 0, 0, Duration.ofSeconds(1), "complete"), true);
        for (String name : List.of("report.html", "graph.svg", "pages.json", "rendler.dot")) {
            Answer answer = get("/" + name);
            assertEquals(200, answer.status(), name);
            assertEquals(name, answer.body());
        }
        assertTrue(get("/graph.svg").head().contains("Content-Type: image/svg+xml"));
        assertEquals(200, request(view, "HEAD", "/pages.json", "localhost").status());
        assertEquals("", request(view, "HEAD", "/pages.json", "localhost").body());
        for (String path : List.of("/rendler.journal", "/screenshots/link.png", "/screenshots/../rendler.journal",
                "/screenshots/..%2frendler.journal", "/../secret.txt", "/screenshots/", "/screenshots/.png",
                "/screenshots/x/../0001.png", "/out/pages.json", "/live.html", "/secret.txt")) {
            assertEquals(404, get(path).status(), path);
        }
    }

    @Test
    void servesCytoscapeAndItsLicence() throws IOException {
        assertTrue(get("/assets/cytoscape.min.js").body().length() > 100_000);
        assertTrue(get("/assets/cytoscape.LICENSE.txt").body().contains("MIT"));
        assertTrue(get("/live.js").head().contains("Content-Type: text/javascript"));
        assertTrue(get("/live.css").head().contains("Content-Type: text/css"));
    }

    @Test
    void theEventStreamStartsWithASnapshot() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), view.address().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            List<String> head = new ArrayList<>();
            for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) head.add(line);
            assertEquals("HTTP/1.1 200 OK", head.get(0));
            assertTrue(head.contains("Content-Type: text/event-stream; charset=utf-8"), head.toString());
            assertTrue(head.contains("Cache-Control: no-store"), head.toString());
            String line;
            do {
                line = in.readLine();
            } while (!line.startsWith("event: "));
            assertEquals("event: snapshot", line);
            String data = in.readLine();
            assertTrue(data.startsWith("data: {\"settings\":{\"start_url\":\"http://site/\""), data);
            assertTrue(data.contains("\"screenshot\":\"0001.png\""), data);
        }
    }

    @Test
    void aClusterWatchedAfterABrowserConnectedReachesThatBrowser() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), view.address().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = in.readLine();
            } while (!line.equals("event: snapshot"));
            assertTrue(in.readLine().contains("\"cluster\":null"));
            List<java.util.function.Consumer<ClusterActivity>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
            view.watchCluster(new ClusterWatch() {
                @Override
                public ClusterView view() {
                    return new ClusterView("m:5050", "fw", "subscribed", false, java.util.Map.of("OFFERS", 1L), List.of(), List.of());
                }

                @Override
                public AutoCloseable listen(java.util.function.Consumer<ClusterActivity> listener) {
                    listeners.add(listener);
                    listener.accept(new ClusterActivity(1, "in", "OFFERS", "agent", "offer: 1 cpu"));
                    return () -> listeners.remove(listener);
                }
            });
            List<String> seen = new ArrayList<>();
            do {
                line = in.readLine();
                if (line.startsWith("event: ")) seen.add(line);
            } while (!(seen.contains("event: cluster") && seen.contains("event: activity")));
            assertEquals(1, listeners.size(), "listened to once");
        }
    }

    @Test
    void anIdleEventStreamGetsHeartbeatsAndOutlivesTheStallLimitWhileAStalledDownloadIsCutOff() throws Exception {
        byte[] big = new byte[32 * 1024 * 1024];
        Files.write(output.resolve("screenshots/big.png"), big);
        LiveFeed feed = new LiveFeed(new LiveFeed.Settings("http://site/", 10, 2, true, "local", null, 2, 1),
                System::currentTimeMillis, 64);
        LiveView quick = LiveView.start(InetAddress.getLoopbackAddress(), OptionalInt.empty(), output, feed,
                new LiveView.Timing(Duration.ofMillis(100), Duration.ofMillis(300)));
        try (Socket events = new Socket(InetAddress.getLoopbackAddress(), quick.address().getPort());
             Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(quick.address());
            stalled.getOutputStream().write("GET /screenshots/big.png HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            events.setSoTimeout(10_000);
            events.getOutputStream().write("GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(events.getInputStream(), StandardCharsets.UTF_8));
            long start = System.nanoTime();
            int heartbeats = 0;
            // No crawl is attached, so nothing but heartbeats comes: for well over the stall limit.
            while (System.nanoTime() - start < Duration.ofMillis(1500).toNanos()) {
                String line = in.readLine();
                assertTrue(line != null, "the idle event stream was cut off after " + heartbeats + " heartbeats");
                if (line.equals(": heartbeat")) heartbeats++;
            }
            assertTrue(heartbeats >= 5, "heartbeats: " + heartbeats);
            // Meanwhile the download nobody read stalled for longer than 300 ms, and was cut off.
            stalled.setSoTimeout(10_000);
            long received = 0;
            try {
                received = stalled.getInputStream().readAllBytes().length;
            } catch (java.net.SocketException reset) {
                received = -1; // cut off with a reset: as good
            }
            assertTrue(received < big.length, "received " + received + " of " + big.length);
        } finally {
            quick.close();
        }
    }

    @Test
    void anExplicitPortThatIsTakenIsRefusedWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            LiveView.Unavailable refused = assertThrows(LiveView.Unavailable.class,
                    () -> start(InetAddress.getLoopbackAddress(), OptionalInt.of(taken.getLocalPort())));
            assertTrue(refused.getMessage().startsWith("--ui-port " + taken.getLocalPort() + " is not free on 127.0.0.1"),
                    refused.getMessage());
            assertTrue(!refused.getMessage().contains("\n"));
        }
    }

    @Test
    void anAddressThatIsNotThisMachinesIsRefusedWithOneLine() throws Exception {
        LiveView.Unavailable refused = assertThrows(LiveView.Unavailable.class,
                () -> start(InetAddress.getByName("192.0.2.1"), OptionalInt.empty())); // TEST-NET-1: never ours
        assertTrue(refused.getMessage().startsWith("cannot serve the live view on 192.0.2.1: "), refused.getMessage());
        assertTrue(!refused.getMessage().contains("\n"));
    }

    @Test
    void withoutAPortItTakesTheFirstFreeOf4040To4049ThenAnyFreeOne() throws Exception {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int port = LiveView.DEFAULT_PORT; port <= LiveView.LAST_DEFAULT_PORT; port++) {
                try {
                    held.add(new ServerSocket(port, 1, InetAddress.getLoopbackAddress()));
                } catch (IOException taken) {
                    // Someone else has it already: just as good.
                }
            }
            LiveView elsewhere = start(InetAddress.getLoopbackAddress(), OptionalInt.empty());
            try {
                int port = elsewhere.address().getPort();
                assertTrue(port < LiveView.DEFAULT_PORT || port > LiveView.LAST_DEFAULT_PORT, "port " + port);
            } finally {
                elsewhere.close();
            }
        } finally {
            for (ServerSocket socket : held) socket.close();
        }
    }
}
