package io.rendler.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rendler.common.Boundary;
import io.rendler.common.CrawlResult;
import io.rendler.common.CrawlScope;
import io.rendler.common.NetworkGuard;
import io.rendler.common.PageLimits;
import io.rendler.common.TaskRequest;
import io.rendler.crawl.testsite.EscapeSite;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The crawler holds to the task's scope and guard before each request, and reads compressed pages. */
class CrawlBoundaryTest {

    private static final PageLimits LIMITS = new PageLimits(5_000, 1024 * 1024, 5, 1280, 800, "RendlerTest/1.0 (+tests)");

    private final CrawlHandler handler = new CrawlHandler();
    private EscapeSite site;

    @BeforeEach
    void serve() throws Exception {
        site = EscapeSite.start();
    }

    @AfterEach
    void stop() {
        site.close();
    }

    private CrawlResult crawl(String path, Boundary boundary) throws InterruptedException {
        return handler.crawl(TaskRequest.crawl("crawl-1-1", site.url(path), LIMITS, boundary));
    }

    private Boundary sameHost() {
        return new Boundary(CrawlScope.sameHost(site.baseUrl() + "/"), NetworkGuard.trusting(site.baseUrl() + "/"));
    }

    @Test
    void aRedirectOutOfScopeIsNotFollowed() throws Exception {
        CrawlResult result = crawl("/redirect-off-host", sameHost());
        assertEquals("redirected out of scope to " + site.internalBaseUrl() + "/redirected (not followed)", result.error());
        assertEquals(List.of(), site.internalRequests());
    }

    @Test
    void aRedirectInScopeToAPrivateAddressIsBlockedByTheGuard() throws Exception {
        Boundary anyHost = new Boundary(CrawlScope.anywhere(), NetworkGuard.trusting(site.baseUrl() + "/"));
        CrawlResult result = crawl("/redirect-off-host", anyHost);
        String internalHost = site.internalBaseUrl().substring("http://".length());
        assertEquals("blocked " + internalHost + ": 127.0.0.1 is a private or local address (--allow-private allows it)", result.error());
        assertEquals(List.of(), site.internalRequests());
    }

    @Test
    void withoutTheGuardTheSameRedirectIsFollowed() throws Exception {
        CrawlResult result = crawl("/redirect-off-host", Boundary.unrestricted());
        assertNull(result.error());
        assertEquals(site.internalBaseUrl() + "/redirected", result.finalUrl());
        assertEquals(List.of("GET /redirected"), site.internalRequests());
    }

    @Test
    void aGzipPageIsDecodedForItsLinks() throws Exception {
        CrawlResult result = crawl("/gzip", sameHost());
        assertNull(result.error());
        assertEquals(List.of(site.url("/gzip/a"), site.url("/gzip/b")), result.links());
    }

    @Test
    void aGzipBombIsCutAtThePageSizeLimit() throws Exception {
        CrawlResult result = crawl("/gzip-bomb", sameHost());
        assertNull(result.error());
        assertTrue(result.truncated(), "the decoded body went past the limit");
        assertEquals(List.of(site.url("/after-the-bomb")), result.links());
    }
}
