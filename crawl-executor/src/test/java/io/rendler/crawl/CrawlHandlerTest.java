package io.rendler.crawl;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rendler.common.Boundary;
import io.rendler.common.CrawlResult;
import io.rendler.common.PageLimits;
import io.rendler.common.ResultMessage;
import io.rendler.common.TaskKind;
import io.rendler.common.TaskRequest;
import io.rendler.crawl.testsite.HostileSite;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Crawls a real {@link HostileSite} on 127.0.0.1 and checks what a user of the crawl would see. */
class CrawlHandlerTest {

    private static final PageLimits LIMITS = new PageLimits(5_000, 2L * 1024 * 1024, 5, 1280, 800, "RendlerTest/1.0 (+tests)");

    private static HostileSite site;
    private static CrawlHandler handler;

    @BeforeAll
    static void start() throws IOException {
        site = HostileSite.start();
        handler = new CrawlHandler();
    }

    @AfterAll
    static void stop() {
        handler.close();
        site.close();
    }

    @Test
    void aPageReportsItsLinksInDocumentOrder() throws Exception {
        CrawlResult result = crawl("/");

        assertAll(
                () -> assertEquals(site.url("/"), result.url()),
                () -> assertEquals(site.url("/"), result.finalUrl()),
                () -> assertEquals(200, result.httpStatus()),
                () -> assertEquals("text/html", result.contentType()),
                () -> assertTrue(result.html()),
                () -> assertFalse(result.truncated()),
                () -> assertNull(result.error()),
                () -> assertFalse(result.failed()),
                () -> assertEquals(urls("/404", "/500", "/not-modified", "/slow-body", "/hang", "/huge", "/huge.pdf", "/redirect-loop/a",
                        "/redirect-chain", "/redirect-ftp", "/redirect-nowhere", "/trap/1", "/image.png", "/doc.pdf",
                        "/notes.txt", "/base-href", "/odd-links", "/unicode-links", "/latin1", "/latin1-header",
                        "/no-content-type", "/page.xhtml", "/user-agent", "/render-hang"), result.links()));
    }

    @Test
    void handleWrapsTheResultForTheRunLoop() throws Exception {
        ResultMessage message = handler.handle(TaskRequest.crawl("crawl-7-a1", site.url("/trap/7"), LIMITS, Boundary.unrestricted()));

        assertEquals(TaskKind.CRAWL, message.kind());
        assertEquals("crawl-7-a1", message.taskId());
        assertEquals(site.url("/trap/8"), message.crawl().links().get(0));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/404, 404", "/500, 500", "/not-modified, 304"})
    void anErrorStatusIsAFailureWithoutLinks(String path, int status) throws Exception {
        CrawlResult result = crawl(path);

        assertEquals(status, result.httpStatus());
        assertEquals("HTTP " + status, result.error());
        assertEquals(List.of(), result.links(), "the error page's own links are not followed");
        assertFalse(result.html());
        assertTrue(result.failed());
    }

    @Test
    void aBodyThatTricklesForeverTimesOutOnTheWallClock() throws Exception {
        PageLimits limits = withTimeout(1_500);

        long start = System.nanoTime();
        CrawlResult result = crawl("/slow-body?test=trickle", limits);
        long elapsed = millisSince(start);

        assertEquals("timeout after 1500ms", result.error());
        assertEquals(200, result.httpStatus(), "the headers did arrive");
        assertEquals(List.of(), result.links());
        assertTrue(elapsed >= 1_400 && elapsed < 6_000, "returned after " + elapsed + " ms");
        // The server stops sending once its next byte finds the connection closed.
        assertTrue(site.bytesStreamed("/slow-body?test=trickle").get(5, TimeUnit.SECONDS) < 10);
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        long start = System.nanoTime();
        CrawlResult result = crawl("/hang", withTimeout(1_500));
        long elapsed = millisSince(start);

        assertEquals("timeout after 1500ms", result.error());
        assertEquals(0, result.httpStatus());
        assertTrue(elapsed >= 1_400 && elapsed < 6_000, "returned after " + elapsed + " ms");
    }

    @Test
    void slowServersDoNotHoldUpOtherCrawls() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(handler.parallelism());
        try {
            List<Future<CrawlResult>> hanging = new ArrayList<>();
            for (int i = 0; i < 4; i++) hanging.add(callers.submit(() -> crawl("/hang", withTimeout(2_000))));
            long start = System.nanoTime();
            List<Future<CrawlResult>> quick = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = 100 + i;
                quick.add(callers.submit(() -> crawl("/trap/" + n)));
            }
            for (int i = 0; i < quick.size(); i++) {
                assertEquals(site.url("/trap/" + (101 + i)), quick.get(i).get().links().get(0));
            }
            long quickElapsed = millisSince(start);
            assertTrue(quickElapsed < 1_500, "quick pages took " + quickElapsed + " ms");
            for (Future<CrawlResult> hang : hanging) assertEquals("timeout after 2s", hang.get().error());
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aHugePageIsCutAtTheLimitAndItsLinksStillCount() throws Exception {
        PageLimits limits = new PageLimits(5_000, 1024 * 1024, 5, 1280, 800, "RendlerTest");

        // Within the 5 s budget and without an error: the cap, not the deadline, ended the read.
        CrawlResult result = crawl("/huge?test=cut", limits);

        assertTrue(result.truncated());
        assertTrue(result.html());
        assertNull(result.error());
        assertEquals(urls("/huge/first", "/huge/second"), result.links());
        assertTrue(site.bytesStreamed("/huge?test=cut").get(5, TimeUnit.SECONDS) < HostileSite.HUGE_BYTES / 2,
                "the rest of the page was not downloaded");
    }

    @Test
    void aHugePageWithTheDefaultLimitsFinishesQuickly() throws Exception {
        long start = System.nanoTime();
        CrawlResult result = crawl("/huge", PageLimits.defaults());
        long elapsed = millisSince(start);

        assertTrue(result.truncated());
        assertEquals(urls("/huge/first", "/huge/second"), result.links());
        assertTrue(elapsed < 5_000, "took " + elapsed + " ms");
    }

    @Test
    void aPageThatFitsIsNotTruncated() throws Exception {
        CrawlResult result = crawl("/trap/1", new PageLimits(5_000, 4096, 5, 1280, 800, "RendlerTest"));

        assertFalse(result.truncated());
        assertEquals(2, result.links().size());
    }

    @Test
    void redirectsAreFollowedToTheFinalPage() throws Exception {
        CrawlResult result = crawl("/redirect-chain");

        assertEquals(site.url("/redirect-chain"), result.url());
        assertEquals(site.url("/redirect-chain/final"), result.finalUrl());
        assertEquals(200, result.httpStatus());
        assertNull(result.error());
        assertEquals(urls("/redirect-chain/next.html", "/"), result.links(), "relative links resolve against the final URL");
    }

    @Test
    void redirectsBeyondTheLimitAreAFailure() throws Exception {
        CrawlResult tooFew = crawl("/redirect-chain", withMaxRedirects(2));
        CrawlResult enough = crawl("/redirect-chain", withMaxRedirects(3));
        CrawlResult none = crawl("/redirect-chain", withMaxRedirects(0));

        assertEquals("too many redirects (more than 2)", tooFew.error());
        assertEquals(site.url("/redirect-chain/3"), tooFew.finalUrl());
        assertEquals(List.of(), tooFew.links());
        assertNull(enough.error());
        assertEquals(site.url("/redirect-chain/final"), enough.finalUrl());
        assertEquals("too many redirects (more than 0)", none.error());
        assertEquals(301, none.httpStatus());
    }

    @Test
    void aRedirectLoopIsAFailure() throws Exception {
        CrawlResult result = crawl("/redirect-loop/a");

        assertEquals("redirect loop (back to " + site.url("/redirect-loop/a") + ")", result.error());
        assertEquals(site.url("/redirect-loop/b"), result.finalUrl());
        assertEquals(302, result.httpStatus());
        assertEquals(List.of(), result.links());
        assertTrue(result.failed());
    }

    @Test
    void aRedirectThatLeadsNowhereFollowableIsAFailure() throws Exception {
        assertEquals("redirect to an unsupported URL: ftp://ftp.example.org/file.txt", crawl("/redirect-ftp").error());
        assertEquals("HTTP 302 without a Location header", crawl("/redirect-nowhere").error());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/image.png, image/png", "/doc.pdf, application/pdf", "/notes.txt, text/plain"})
    void aBodyThatIsNotHtmlIsASuccessWithoutLinks(String path, String contentType) throws Exception {
        CrawlResult result = crawl(path);

        assertEquals(200, result.httpStatus());
        assertEquals(contentType, result.contentType());
        assertFalse(result.html());
        assertEquals(List.of(), result.links());
        assertNull(result.error());
        assertFalse(result.failed());
    }

    @Test
    void aLargeBodyThatIsNotHtmlIsNotDownloaded() throws Exception {
        CrawlResult result = crawl("/huge.pdf?test=skip");

        assertEquals("application/pdf", result.contentType());
        assertFalse(result.html());
        assertFalse(result.truncated(), "nothing was read, so nothing was cut");
        assertTrue(site.bytesStreamed("/huge.pdf?test=skip").get(5, TimeUnit.SECONDS) < HostileSite.HUGE_BYTES / 2);
    }

    @Test
    void htmlWithoutAContentTypeAndXhtmlAreParsed() throws Exception {
        CrawlResult untyped = crawl("/no-content-type");
        CrawlResult xhtml = crawl("/page.xhtml");

        assertNull(untyped.contentType());
        assertTrue(untyped.html());
        assertEquals(urls("/typeless"), untyped.links());
        assertEquals("application/xhtml+xml", xhtml.contentType());
        assertTrue(xhtml.html());
        assertEquals(urls("/from-xhtml"), xhtml.links());
    }

    @Test
    void linksResolveAgainstTheBaseHref() throws Exception {
        assertEquals(urls("/sub/page.html", "/up.html", "/abs.html", "/sub/deeper/x.html?q=1", "/sub/"),
                crawl("/base-href").links());
    }

    @Test
    void oddLinksAreNormalisedDroppedOrDeduplicated() throws Exception {
        // Dropped: mailto, javascript, tel, data, ftp, "http://", a space in a host, <a> without href,
        // and img/script/css, which are resources rather than pages.
        assertEquals(List.of(
                        site.url("/odd-links"), // "#top" and "" both name the page itself
                        site.url("/dup"),
                        site.url("/padded"),
                        "http://example.org/protocol-relative",
                        "http://example.org/Case",
                        "https://example.org/a/c",
                        site.url("/nofollow"),
                        site.url("/from-area")),
                crawl("/odd-links").links());
    }

    @Test
    void linksWithSpacesAndNonAsciiCharactersAreEscaped() throws Exception {
        assertEquals(List.of(
                        site.url("/a%20b/c%20d.html"),
                        site.url("/%C3%BCn%C3%AF/%E6%97%A5%E6%9C%AC.html"),
                        site.url("/search?q=caf%C3%A9%20au%20lait"),
                        site.url("/already%20escaped/%C3%A9"),
                        "http://xn--bcher-kva.example/stra%C3%9Fe"),
                crawl("/unicode-links").links());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/latin1", "/latin1-header"})
    void aLatin1PageIsDecodedAsLatin1(String path) throws Exception {
        assertEquals(urls("/caf%C3%A9.html"), crawl(path).links());
    }

    @Test
    void theRequestCarriesTheUserAgent() throws Exception {
        assertEquals(urls("/seen?ua=RendlerTest%2F1.0+%28%2Btests%29"), crawl("/user-agent").links());
    }

    @Test
    void aCrawlerTrapPageIsJustAPage() throws Exception {
        List<String> links = crawl("/trap/41").links();

        assertEquals(2, links.size());
        assertEquals(site.url("/trap/42"), links.get(0));
        assertTrue(links.get(1).matches(java.util.regex.Pattern.quote(site.url("/trap/41?x=")) + "[0-9a-f-]{36}"), links.get(1));
    }

    @Test
    void aClosedPortIsConnectionRefused() throws Exception {
        String url = "http://127.0.0.1:" + closedPort() + "/";

        CrawlResult result = handler.crawl(TaskRequest.crawl("t", url, LIMITS, Boundary.unrestricted()));

        assertEquals("connection refused", result.error());
        assertEquals(0, result.httpStatus());
        assertEquals(url, result.finalUrl());
        assertTrue(result.failed());
    }

    @Test
    void aHostThatDoesNotExistIsUnknown() throws Exception {
        // .invalid is reserved (RFC 2606) and never resolves.
        assertEquals("unknown host", handler.crawl(TaskRequest.crawl("t", "http://no-such-host.invalid/", LIMITS, Boundary.unrestricted())).error());
    }

    @Test
    void aUrlThatIsNotHttpIsAFailureWithoutANetworkCall() throws Exception {
        CrawlResult result = handler.crawl(TaskRequest.crawl("t", "ftp://ftp.example.org/", LIMITS, Boundary.unrestricted()));

        assertEquals("not an http(s) URL: ftp://ftp.example.org/", result.error());
        assertEquals("ftp://ftp.example.org/", result.finalUrl());
    }

    @Test
    void anInterruptedCrawlStopsAtOnce() throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                crawl("/hang", withTimeout(10_000));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        int hanging = site.hangingRequests();
        caller.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (site.hangingRequests() == hanging) { // the crawl is waiting on the server now
            assertTrue(System.nanoTime() < deadline, "the crawl never reached /hang");
            Thread.onSpinWait();
        }

        long start = System.nanoTime();
        caller.interrupt();
        caller.join(2_000);

        assertFalse(caller.isAlive());
        assertTrue(millisSince(start) < 1_000);
        assertTrue(thrown.get() instanceof InterruptedException, String.valueOf(thrown.get()));
    }

    @Test
    void onlyCrawlTasksAreAccepted() {
        TaskRequest render = TaskRequest.render("r", site.url("/"), LIMITS, "shot.png", null, Boundary.unrestricted());

        assertEquals(TaskKind.CRAWL, handler.kind());
        assertEquals(CrawlHandler.DEFAULT_PARALLELISM, handler.parallelism());
        assertEquals(3, new CrawlHandler(3).parallelism());
        assertThrows(IllegalArgumentException.class, () -> new CrawlHandler(0));
        assertThrows(IllegalArgumentException.class, () -> handler.handle(render));
    }

    private static CrawlResult crawl(String path) throws InterruptedException {
        return crawl(path, LIMITS);
    }

    private static CrawlResult crawl(String path, PageLimits limits) throws InterruptedException {
        return handler.crawl(TaskRequest.crawl("test", site.url(path), limits, Boundary.unrestricted()));
    }

    private static PageLimits withTimeout(long timeoutMillis) {
        return new PageLimits(timeoutMillis, LIMITS.maxBodyBytes(), LIMITS.maxRedirects(), 1280, 800, LIMITS.userAgent());
    }

    private static PageLimits withMaxRedirects(int maxRedirects) {
        return new PageLimits(LIMITS.timeoutMillis(), LIMITS.maxBodyBytes(), maxRedirects, 1280, 800, LIMITS.userAgent());
    }

    private static List<String> urls(String... paths) {
        return java.util.Arrays.stream(paths).map(site::url).toList();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
