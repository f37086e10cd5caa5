package io.rendler.scheduler.mesos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rendler.scheduler.run.SetupException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler's file server on a real socket, against well-behaved and hostile clients. */
class FileServerTest {

    private static final String JAR = "crawl-executor.jar";
    /** Long enough that a test passing never depends on idle connections being cut. */
    private static final FileServer.Limits PATIENT = new FileServer.Limits(
            Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(60), 256, 64, 1 << 20);
    private static final FileServer.Limits STRICT = new FileServer.Limits(
            Duration.ofMillis(300), Duration.ofMillis(500), Duration.ofSeconds(5), 256, 64, 1 << 20);

    @TempDir Path work;
    private Path screenshots;
    private byte[] jarBytes;
    private Map<String, Path> jars;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Socket> sockets = new ArrayList<>();
    private final ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
    private FileServer server;

    @BeforeEach
    void jarsAndOutput() throws IOException {
        screenshots = Files.createDirectories(work.resolve("screenshots"));
        jarBytes = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(jarBytes);
        jars = Map.of(JAR, Files.write(work.resolve(JAR), jarBytes));
    }

    @AfterEach
    void closeAll() throws IOException {
        trickler.shutdownNow();
        for (Socket socket : sockets) socket.close();
        if (server != null) server.close();
    }

    private FileServer start(FileServer.Limits limits) {
        server = new FileServer("127.0.0.1", "127.0.0.1", jars, screenshots, limits);
        return server;
    }

    @Test
    void servesTheJarsWhileManyIdleConnectionsHangOnOneByteEach() throws Exception {
        start(PATIENT);
        for (int i = 0; i < 40; i++) idleConnection();

        List<CompletableFuture<HttpResponse<byte[]>>> downloads = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            downloads.add(http.sendAsync(get(server.jarUrl(JAR)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
        }
        for (CompletableFuture<HttpResponse<byte[]>> download : downloads) {
            HttpResponse<byte[]> response = download.get(30, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            assertArrayEquals(jarBytes, response.body());
        }
        // and a screenshot still gets in
        byte[] png = png(40, 30);
        assertEquals(201, put(server.uploadUrl("a.png", 40, 30, 30), png).statusCode());
        assertArrayEquals(png, Files.readAllBytes(screenshots.resolve("a.png")));
    }

    @Test
    void cutsOffAClientThatSendsOneByteAndThenNothing() throws Exception {
        start(STRICT);
        Socket idle = idleConnection();
        assertClosedByServer(idle);
    }

    @Test
    void cutsOffARequestHeadThatTrickles() throws Exception {
        start(STRICT);
        Socket socket = connect();
        trickle(socket, "GET /executors/crawl-executor.jar HTTP/1.1\r\nHost: x\r\n".repeat(100).getBytes(StandardCharsets.US_ASCII));
        assertClosedByServer(socket);
    }

    @Test
    void cutsOffAnUploadThatTricklesAndKeepsNothingOfIt() throws Exception {
        start(STRICT);
        String path = URI.create(server.uploadUrl("slow.png", 40, 30, 30)).getPath();
        byte[] png = png(40, 30);
        Socket socket = connect();
        OutputStream out = socket.getOutputStream();
        out.write(("PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + png.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(png, 0, 24);
        out.flush();
        trickle(socket, Arrays.copyOfRange(png, 24, png.length));
        assertClosedByServer(socket);

        eventually(() -> listing(screenshots).isEmpty(), "the partial upload is removed: " + listing(screenshots));
        assertEquals(201, put(server.uploadUrl("slow.png", 40, 30, 30), png).statusCode(), "a later upload of the name still works");
    }

    @Test
    void anUploadThatBreaksOffLeavesNoFileAndGivesItsBudgetBack() throws Exception {
        byte[] png = png(40, 30);
        start(new FileServer.Limits(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), 16, 16, png.length));
        String path = URI.create(server.uploadUrl("cut.png", 40, 30, 30)).getPath();
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + png.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(png, 0, png.length / 2);
            socket.shutdownOutput();
            assertEquals(-1, socket.getInputStream().read(), "no answer to half a body");
        }
        eventually(() -> listing(screenshots).isEmpty(), "no file is left: " + listing(screenshots));
        assertEquals(201, put(server.uploadUrl("cut.png", 40, 30, 30), png).statusCode());
    }

    @Test
    void refusesAWrongToken() throws Exception {
        start(PATIENT);
        String url = server.uploadUrl("a.png", 40, 30, 30);
        String token = url.split("/")[4];
        String wrong = url.replace(token, token.substring(0, token.length() - 1) + (token.endsWith("0") ? "1" : "0"));
        assertEquals(403, put(wrong, png(40, 30)).statusCode());
        assertEquals(403, put(url.replace(token, "x"), png(40, 30)).statusCode());
        assertEquals(List.of(), listing(screenshots));
    }

    @Test
    void refusesNamesTheSchedulerDidNotAskFor() throws Exception {
        start(PATIENT);
        String asked = server.uploadUrl("asked.png", 40, 30, 30);
        assertEquals(404, put(asked.replace("asked.png", "other.png"), png(40, 30)).statusCode());
        assertEquals(404, put(asked.replace("asked.png", "..%2Fescape.png"), png(40, 30)).statusCode());
        assertEquals(List.of(), listing(screenshots));
    }

    @Test
    void takesOnlyAPngOfTheAskedSize() throws Exception {
        start(PATIENT);
        String url = server.uploadUrl("a.png", 40, 30, 30);
        HttpResponse<String> html = put(url, "<html>not a picture</html>".getBytes(StandardCharsets.UTF_8));
        assertEquals(415, html.statusCode());
        assertTrue(html.body().contains("PNG signature"), html.body());
        HttpResponse<String> wrongSize = put(url, png(30, 40));
        assertEquals(415, wrongSize.statusCode());
        assertTrue(wrongSize.body().contains("30x40"), wrongSize.body());
        assertEquals(415, put(url, new byte[0]).statusCode());
        assertEquals(List.of(), listing(screenshots));
        assertEquals(201, put(url, png(40, 30)).statusCode());
    }

    @Test
    void refusesMoreBytesThanAPngOfTheAskedSizeCanNeed() throws Exception {
        start(PATIENT);
        String url = server.uploadUrl("a.png", 40, 30, 30);
        long cap = new ScreenshotInbox.Size(40, 30, 30).maxBytes();
        byte[] huge = Arrays.copyOf(png(40, 30), (int) cap + 1);
        assertEquals(413, put(url, huge).statusCode());
        assertEquals(List.of(), listing(screenshots));
    }

    @Test
    void aFullPageScreenshotMayBeAnyHeightFromTheViewportsToTheCap() throws Exception {
        start(PATIENT);
        assertEquals(201, put(server.uploadUrl("tall.png", 40, 30, 100), png(40, 80)).statusCode());
        HttpResponse<String> tooTall = put(server.uploadUrl("taller.png", 40, 30, 100), png(40, 120));
        assertEquals(415, tooTall.statusCode());
        assertTrue(tooTall.body().contains("not the 40x30-100 screenshot asked for"), tooTall.body());
        assertEquals(415, put(server.uploadUrl("short.png", 40, 30, 100), png(40, 20)).statusCode(), "shorter than the viewport");
        assertEquals(List.of("tall.png"), listing(screenshots));
    }

    @Test
    void storesEachScreenshotOnceAndAnswers409After() throws Exception {
        start(PATIENT);
        byte[] first = png(40, 30);
        String url = server.uploadUrl("a.png", 40, 30, 30);
        assertEquals(201, put(url, first).statusCode());
        assertEquals(url, server.uploadUrl("a.png", 40, 30, 30), "a retried task is handed the same URL");
        HttpResponse<String> again = put(url, png(40, 30, 0x00ff00));
        assertEquals(409, again.statusCode());
        assertTrue(again.body().contains("already stored"), again.body());
        assertArrayEquals(first, Files.readAllBytes(screenshots.resolve("a.png")));
    }

    @Test
    void refusesUploadsPastTheRunsBudget() throws Exception {
        byte[] png = png(40, 30);
        start(new FileServer.Limits(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), 16, 16, png.length * 2L + 10));
        assertEquals(201, put(server.uploadUrl("a.png", 40, 30, 30), png).statusCode());
        assertEquals(201, put(server.uploadUrl("b.png", 40, 30, 30), png).statusCode());
        HttpResponse<String> third = put(server.uploadUrl("c.png", 40, 30, 30), png);
        assertEquals(507, third.statusCode());
        assertTrue(third.body().contains("budget"), third.body());
        assertEquals(List.of("a.png", "b.png"), listing(screenshots));
    }

    @Test
    void servesOnlyTheConfiguredJarsAndOnlyToGetAndHead() throws Exception {
        start(PATIENT);
        String base = server.jarUrl(JAR).replace("/executors/" + JAR, "");
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(server.jarUrl(JAR)))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
        assertEquals(Optional.of(Long.toString(jarBytes.length)), head.headers().firstValue("Content-Length"));
        for (String path : List.of("/executors/render-executor.jar", "/executors/", "/", "/executors/../crawl-executor.jar",
                "/screenshots/" + JAR, "/" + work.resolve(JAR))) {
            assertEquals(404, http.send(get(base + path).build(), HttpResponse.BodyHandlers.discarding()).statusCode(), path);
        }
        HttpResponse<Void> delete = http.send(HttpRequest.newBuilder(URI.create(server.jarUrl(JAR))).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(405, delete.statusCode());
        assertEquals(Optional.of("GET, HEAD, PUT"), delete.headers().firstValue("Allow"));
        assertEquals(405, http.send(HttpRequest.newBuilder(URI.create(server.jarUrl(JAR)))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    @Test
    void answersGarbageWith400() throws Exception {
        start(PATIENT);
        Socket socket = connect();
        socket.getOutputStream().write("hello\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
    }

    @Test
    void turnsAwayConnectionsPastTheCapForOneClient() throws Exception {
        start(new FileServer.Limits(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(60), 256, 3, 1 << 20));
        for (int i = 0; i < 3; i++) idleConnection();
        HttpResponse<Void> busy = http.send(get(server.jarUrl(JAR)).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(503, busy.statusCode());
    }

    @Test
    void listensOnlyOnItsBindAddress() throws Exception {
        Optional<InetAddress> other = nonLoopbackAddress();
        assumeTrue(other.isPresent(), "this machine has no non-loopback IPv4 address to try");
        start(PATIENT);
        assertEquals(InetAddress.getByName("127.0.0.1"), server.address().getAddress());
        assertThrows(ConnectException.class, () -> new Socket(other.get(), server.address().getPort()).close(),
                "connecting to " + other.get().getHostAddress());
    }

    @Test
    void saysWhichOptionToUseWhenItCannotBind() {
        // 192.0.2.1 is TEST-NET-1: never an address of this machine.
        SetupException e = assertThrows(SetupException.class,
                () -> new FileServer("192.0.2.1", "192.0.2.1", jars, screenshots, PATIENT));
        assertTrue(e.getMessage().contains("--file-server-bind"), e.getMessage());
    }

    // --- helpers ---

    private Socket connect() throws IOException {
        Socket socket = new Socket(server.address().getAddress(), server.address().getPort());
        sockets.add(socket);
        return socket;
    }

    private Socket idleConnection() throws IOException {
        Socket socket = connect();
        socket.getOutputStream().write('G');
        socket.getOutputStream().flush();
        return socket;
    }

    /** Sends {@code bytes} one at a time, every 20 ms, until they run out or the server hangs up. */
    private void trickle(Socket socket, byte[] bytes) {
        int[] next = {0};
        trickler.scheduleWithFixedDelay(() -> {
            if (next[0] == bytes.length) return;
            try {
                socket.getOutputStream().write(bytes[next[0]++]);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // ends the schedule
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
    }

    /** The server closes the connection well before the client's own 10 s patience runs out. */
    private static void assertClosedByServer(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        try {
            while (in.read() != -1) {
                // An answer before the close is fine; the close is what we wait for.
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for 10 s", e);
        } catch (SocketException e) {
            assertFalse(socket.isClosed(), "reset by the server: " + e.getMessage());
        }
    }

    private static void eventually(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 10 s: " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private static List<String> listing(Path dir) {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpRequest.Builder get(String url) {
        return HttpRequest.newBuilder(URI.create(url));
    }

    private HttpResponse<String> put(String url, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] png(int width, int height) throws IOException {
        return png(width, height, 0xff0000);
    }

    private static byte[] png(int width, int height, int rgb) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < width; x++) image.setRGB(x, x % height, rgb);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        return bytes.toByteArray();
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(nic -> {
                    try {
                        return nic.isUp() && !nic.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                .findFirst();
    }
}
