package io.rendler.scheduler.robots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.rendler.common.NetworkGuard;
import io.rendler.scheduler.core.RobotsRules;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What each answer to a robots.txt request means, from a real server on 127.0.0.1. */
class RobotsFetcherTest {

    private HttpServer server;

    private String serve(int status, String body, String location) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            if (exchange.getRequestURI().getPath().equals("/moved.txt")) {
                status(exchange, 200, "User-agent: rendler\nDisallow: /moved-rules/\n");
                return;
            }
            if (location != null) exchange.getResponseHeaders().add("Location", location);
            status(exchange, status, body);
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void status(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    private static RobotsRules fetch(String origin) throws InterruptedException {
        try (RobotsFetcher fetcher = new RobotsFetcher("Rendler/1.0 (+https://example.org)", Duration.ofSeconds(5), NetworkGuard.off())) {
            return fetcher.fetch(origin);
        }
    }

    @Test
    void rulesForRendlerAndAFractionalCrawlDelayAreRead() throws Exception {
        String origin = serve(200, "User-agent: other\nDisallow: /\n\nUser-agent: Rendler\nDisallow: /no/\nCrawl-delay: 0.5\n", null);
        RobotsRules rules = fetch(origin);
        assertFalse(rules.allows(origin + "/no/page"));
        assertTrue(rules.allows(origin + "/yes"));
        assertEquals(Duration.ofMillis(500), rules.crawlDelay());
    }

    @Test
    void aMissingRobotsTxtAllowsEverything() throws Exception {
        String origin = serve(404, "", null);
        assertTrue(fetch(origin).allows(origin + "/anything"));
    }

    @Test
    void aServerErrorDisallowsTheHostAndSaysWhy() throws Exception {
        String origin = serve(503, "", null);
        RobotsRules rules = fetch(origin);
        assertFalse(rules.allows(origin + "/"));
        assertEquals("robots.txt unavailable (HTTP 503), host treated as disallowed", rules.denial());
    }

    @Test
    void anUnreachableHostIsDisallowed() throws Exception {
        String origin = serve(200, "", null);
        server.stop(0);
        server = null;
        assertFalse(fetch(origin).allows(origin + "/"));
    }

    @Test
    void aRedirectIsFollowed() throws Exception {
        String origin = serve(301, "", "/moved.txt");
        RobotsRules rules = fetch(origin);
        assertFalse(rules.allows(origin + "/moved-rules/x"));
        assertTrue(rules.allows(origin + "/other"));
    }

    @Test
    void theGuardIsHeldToAndARefusedFetchLeavesTheRefusalToTheExecutors() throws Exception {
        String origin = serve(200, "User-agent: *\nDisallow: /\n", null);
        try (RobotsFetcher fetcher = new RobotsFetcher("Rendler/1.0", Duration.ofSeconds(5), NetworkGuard.trusting("http://example.org/"))) {
            assertTrue(fetcher.fetch(origin).allows(origin + "/"), "127.0.0.1 is refused, so its Disallow: / was never read");
        }
    }
}
