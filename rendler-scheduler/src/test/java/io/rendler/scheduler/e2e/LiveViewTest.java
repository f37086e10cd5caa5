package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.rendler.render.BrowserLocator;
import io.rendler.scheduler.demo.DemoSite;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live view end to end: a real rendler process crawls the demo site (slowed by --delay so the
 * crawl lasts a while), and a real Chromium, driven by Playwright, watches the page it serves. The
 * graph is asserted through graph-view.js's contract ({@code window.rendlerView}) and the counters
 * through the page's own DOM, so the test holds for the real graph component as for any other.
 */
class LiveViewTest {

    private static final Pattern LIVE_URL = Pattern.compile("rendler: watch it live at (http://\\S+/)");
    private static DemoSite site;
    private static Playwright playwright;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        site = DemoSite.start();
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(BrowserLocator.installedOnly().locate(Optional.empty()))
                .setArgs(List.of("--disable-gpu", "--disable-quic",
                        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost")));
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (playwright != null) playwright.close();
        if (site != null) site.close();
    }

    @Test
    void thePageGrowsAsTheCrawlGoesThenShowsTheRunsResultAndStaysUpWithUiUntilCtrlC(@TempDir Path out) throws Exception {
        Path results = out.resolve("run");
        Path stderr = out.resolve("stderr.txt");
        Process rendler = Rendler.startAsTerminalJob(out.resolve("stdout.txt"), stderr, "--output", results.toString(),
                "--max-pages", "500", "--max-depth", "50", "--viewport", "640x400", "--delay", "150ms", "--ui", site.startUrl());
        try {
            String url = liveUrl(rendler, stderr);
            Page page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1280, 760));
            List<String> requests = new CopyOnWriteArrayList<>();
            page.onRequest(request -> requests.add(request.resourceType() + " " + request.url()));
            page.navigate(url);

            // The graph grows while the crawl runs: more nodes arrive, over the one event stream, before the end.
            page.waitForFunction("() => window.rendlerView && window.rendlerView.pageCount() > 0");
            int early = pageCount(page);
            page.waitForFunction("n => window.rendlerView.pageCount() > n && !window.rendlerEvents.done", early);
            assertTrue(pageCount(page) > early);
            assertTrue((Boolean) page.evaluate("() => window.rendlerSource instanceof EventSource && window.rendlerSource.readyState === 1"));
            page.waitForFunction("() => window.rendlerView.pageCount() >= 10 && !window.rendlerEvents.done");
            Files.createDirectories(Path.of("target", "live-view"));
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "live-view", "mid-crawl.png")));

            // The end: as many nodes as pages.json has pages, and the counters are the summary's.
            page.waitForFunction("() => window.rendlerEvents.done >= 1", null,
                    new Page.WaitForFunctionOptions().setTimeout(180_000));
            JsonObject pagesJson = JsonParser.parseString(Files.readString(results.resolve("pages.json"))).getAsJsonObject();
            JsonObject summary = pagesJson.getAsJsonObject("summary");
            int pages = pagesJson.getAsJsonArray("pages").size();
            assertEquals(pages, pageCount(page));
            assertEquals(String.valueOf(pages), page.textContent("#c-admitted"));
            assertEquals(summary.get("crawled").getAsString(), page.textContent("#c-crawled"));
            assertEquals(summary.get("rendered").getAsString(), page.textContent("#c-rendered"));
            assertEquals(summary.get("failed").getAsString(), page.textContent("#c-failed"));
            assertEquals(summary.get("edges").getAsString(), page.textContent("#c-links"));
            assertTrue(page.isVisible("#report-link"));
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "live-view", "done.png")));

            // Pushed, not polled: one request for the event stream, and no fetch or XHR at all.
            assertEquals(1, requests.stream().filter(r -> r.endsWith("/events")).count(), requests.toString());
            assertTrue(requests.stream().noneMatch(r -> r.startsWith("fetch ") || r.startsWith("xhr ")), requests.toString());

            // Selecting a node shows its screenshot, served from the output folder.
            String rendered = pagesJson.getAsJsonArray("pages").asList().stream().map(p -> p.getAsJsonObject())
                    .filter(p -> p.get("status").getAsString().equals("RENDERED")).findFirst().orElseThrow().get("url").getAsString();
            page.evaluate("u => window.rendlerLive.select(u)", rendered);
            page.waitForFunction("() => { const i = document.querySelector('.rg-details .rg-shot img');"
                    + " return i && i.complete && i.naturalWidth === 640; }");
            assertEquals(rendered, page.textContent(".rg-details .rg-url"));

            // With --ui the page stays up after the end, serving the report, until Ctrl-C.
            assertTrue(rendler.isAlive(), Files.readString(stderr));
            assertEquals(200, get(url, "/report.html", "127.0.0.1").status());
            page.navigate(url + "report.html");
            assertTrue(page.title().length() > 0);
            page.close();
            new ProcessBuilder("kill", "-INT", "--", "-" + rendler.pid()).inheritIO().start().waitFor();
            assertTrue(rendler.waitFor(30, TimeUnit.SECONDS), "rendler --ui did not exit on Ctrl-C");
            assertEquals(0, rendler.exitValue(), Files.readString(stderr));
        } finally {
            rendler.destroyForcibly();
        }
    }

    @Test
    void onlyTheListedOutputsAreServedAndOnlyToThisMachinesNames(@TempDir Path out) throws Exception {
        Path results = out.resolve("run");
        Files.createDirectories(results);
        Files.writeString(out.resolve("secret.txt"), "not for the web");
        Path stderr = out.resolve("stderr.txt");
        Process rendler = Rendler.startAsTerminalJob(out.resolve("stdout.txt"), stderr, "--output", results.toString(),
                "--max-pages", "3", "--no-render", "--ui", site.startUrl());
        try {
            String url = liveUrl(rendler, stderr);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (get(url, "/pages.json", "127.0.0.1").status() != 200) {
                assertTrue(System.nanoTime() < deadline && rendler.isAlive(), "pages.json never served:\n" + Files.readString(stderr));
                rendler.waitFor(100, TimeUnit.MILLISECONDS);
            }
            assertEquals(200, get(url, "/", "localhost").status());
            assertEquals(200, get(url, "/rendler.dot", "127.0.0.1").status());
            assertEquals(200, get(url, "/assets/cytoscape.min.js", "127.0.0.1").status());
            assertEquals(200, get(url, "/assets/cytoscape.LICENSE.txt", "127.0.0.1").status());
            // DNS rebinding: a page on another name that resolves to 127.0.0.1 is refused.
            assertEquals(403, get(url, "/pages.json", "attacker.example").status());
            assertEquals(403, get(url, "/", "attacker.example:" + port(url)).status());
            // Nothing else from disk.
            for (String path : List.of("/rendler.journal", "/../secret.txt", "/screenshots/../../secret.txt",
                    "/screenshots/..%2F..%2Fsecret.txt", "/%2e%2e/secret.txt", "/screenshots/x.png", "/etc/passwd")) {
                assertEquals(404, get(url, path, "127.0.0.1").status(), path);
            }
            assertEquals(405, get(url, "/", "127.0.0.1", "POST").status());
        } finally {
            new ProcessBuilder("kill", "-INT", "--", "-" + rendler.pid()).inheritIO().start().waitFor();
            assertTrue(rendler.waitFor(30, TimeUnit.SECONDS));
            rendler.destroyForcibly();
        }
    }

    @Test
    void withoutUiTheRunEndsByItselfAndWithNoUiNothingIsServed(@TempDir Path out) throws Exception {
        Rendler.Run run = Rendler.run("--output", out.resolve("a").toString(), "--max-pages", "3", "--no-render", site.startUrl());
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(LIVE_URL.matcher(run.stderr()).find(), run.output());

        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path stderr = out.resolve("stderr.txt");
        Process rendler = Rendler.start(out.resolve("stdout.txt"), stderr, "--output", out.resolve("b").toString(),
                "--max-pages", "6", "--no-render", "--delay", "300ms", "--no-ui", "--ui-port", Integer.toString(port), site.startUrl());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(stderr).contains("crawled ")) {
                assertTrue(System.nanoTime() < deadline && rendler.isAlive(), Files.readString(stderr));
                rendler.waitFor(50, TimeUnit.MILLISECONDS);
            }
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                throw new AssertionError("--no-ui, yet something listens on --ui-port " + port);
            } catch (ConnectException expected) {
                // Nothing there.
            }
            assertTrue(rendler.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, rendler.exitValue());
            assertFalse(Files.readString(stderr).contains("watch it live"), Files.readString(stderr));
        } finally {
            rendler.destroyForcibly();
        }
    }

    @Test
    void anExplicitUiPortThatIsTakenIsOneLineAndExitTwo(@TempDir Path out) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Rendler.Run run = Rendler.run("--output", out.toString(), "--no-render", "--ui-port",
                    Integer.toString(taken.getLocalPort()), site.startUrl());
            assertEquals(2, run.exitCode(), run.output());
            List<String> lines = run.stderr().lines().toList();
            assertEquals(1, lines.size(), run.output());
            assertTrue(lines.get(0).startsWith("rendler: --ui-port " + taken.getLocalPort() + " is not free"), run.output());
            assertFalse(Files.exists(out.resolve("rendler.journal")), "nothing was started");
        }
    }

    @Test
    void aResumeTakesTheLiveViewOptionsGivenNowWithoutChangingWhatIsCrawled(@TempDir Path out) throws Exception {
        Rendler.Run first = Rendler.run("--output", out.toString(), "--max-pages", "3", "--no-render", "--no-ui", site.startUrl());
        assertEquals(0, first.exitCode(), first.output());
        assertFalse(first.stderr().contains("watch it live"), first.output());
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Rendler.Run resumed = Rendler.run("--resume", "--output", out.toString(), "--ui-port", Integer.toString(port));
        assertEquals(0, resumed.exitCode(), resumed.output());
        assertTrue(resumed.stderr().contains("rendler: watch it live at http://127.0.0.1:" + port + "/"), resumed.output());
        assertTrue(resumed.stderr().contains("is already complete"), resumed.output());
    }

    static String liveUrl(Process rendler, Path stderr) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Matcher url = LIVE_URL.matcher(Files.readString(stderr, StandardCharsets.UTF_8));
            if (url.find()) return url.group(1);
            assertTrue(rendler.isAlive(), "rendler exited without a live view:\n" + Files.readString(stderr));
            assertTrue(System.nanoTime() < deadline, "no live view URL in:\n" + Files.readString(stderr));
            rendler.waitFor(50, TimeUnit.MILLISECONDS);
        }
    }

    private static int pageCount(Page page) {
        return ((Number) page.evaluate("() => window.rendlerView.pageCount()")).intValue();
    }

    private static int port(String url) {
        return Integer.parseInt(url.replaceAll(".*:(\\d+)/$", "$1"));
    }

    record Answer(int status, String head) {}

    static Answer get(String url, String rawPath, String host) throws IOException {
        return get(url, rawPath, host, "GET");
    }

    /** One request written by hand, so that the path and the Host header go out exactly as given. */
    static Answer get(String url, String rawPath, String host, String method) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port(url))) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + rawPath + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            for (int b = in.read(); b != -1 && !head.toString().endsWith("\r\n\r\n"); b = in.read()) head.append((char) b);
            String status = head.toString().split(" ", 3)[1];
            return new Answer(Integer.parseInt(status), head.toString());
        }
    }
}
