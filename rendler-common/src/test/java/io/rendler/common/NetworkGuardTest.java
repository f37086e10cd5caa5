package io.rendler.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NetworkGuardTest {

    private static boolean internal(String literal) throws Exception {
        return AddressRanges.isInternal(InetAddress.getByName(literal));
    }

    @Test
    void loopbackPrivateLinkLocalAndTheirIpv6FormsAreInternal() throws Exception {
        for (String ip : List.of("127.0.0.1", "127.8.9.10", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                "169.254.169.254", "100.64.0.1", "224.0.0.1", "255.255.255.255",
                "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1",
                "64:ff9b::a9fe:a9fe", "2002:7f00:1::1")) {
            assertTrue(internal(ip), ip);
        }
    }

    @Test
    void publicAddressesAreNot() throws Exception {
        for (String ip : List.of("8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2606:4700::1111",
                "64:ff9b::808:808", "2002:808:808::1")) {
            assertFalse(internal(ip), ip);
        }
    }

    @Test
    void theStartUrlsOwnHostAndPortAreTrustedAndNoOtherPort() {
        NetworkGuard guard = NetworkGuard.trusting("http://127.0.0.1:8080/docs/");
        assertEquals(Optional.empty(), guard.refusal("http://127.0.0.1:8080/other"));
        Optional<String> refusal = guard.refusal("http://127.0.0.1:9090/admin");
        assertEquals(Optional.of("blocked 127.0.0.1:9090: 127.0.0.1 is a private or local address (--allow-private allows it)"), refusal);
        assertTrue(guard.refusal("http://[::1]:8080/").isPresent(), "same port, other host");
        assertTrue(guard.refusal("http://localhost:8080/").isPresent(), "a name is checked on its address");
    }

    @Test
    void theDefaultPortCountsAsWritten() {
        NetworkGuard guard = NetworkGuard.trusting("http://127.0.0.1/");
        assertEquals(Optional.empty(), guard.refusal("http://127.0.0.1:80/x"));
        assertTrue(guard.refusal("https://127.0.0.1/x").isPresent(), "443 is another port");
    }

    @Test
    void allowPrivateLetsEverythingThrough() {
        assertEquals(Optional.empty(), NetworkGuard.off().refusal("http://169.254.169.254/latest/meta-data/"));
    }

    @Test
    void theScopeRuleIsTheSchedulersRule() {
        CrawlScope sameHost = CrawlScope.sameHost("http://example.org:8080/");
        assertTrue(sameHost.allows("http://example.org:8080/a"));
        assertFalse(sameHost.allows("http://example.org/a"));
        CrawlScope domains = CrawlScope.domains(List.of("Example.ORG"));
        assertTrue(domains.allows("https://docs.example.org/"));
        assertFalse(domains.allows("https://badexample.org/"));
        assertTrue(CrawlScope.prefixes(List.of("https://example.org/docs/")).allows("https://example.org/docs/x"));
        assertFalse(CrawlScope.prefixes(List.of("https://example.org/docs/")).allows("https://example.org/blog/"));
        assertFalse(sameHost.allows("not a url"));
    }

    @Test
    void theBoundaryTravelsInTheTaskDataAndARequestWithoutOneIsRefused() {
        Boundary boundary = new Boundary(CrawlScope.sameHost("http://127.0.0.1:8080/"), NetworkGuard.trusting("http://127.0.0.1:8080/"));
        TaskRequest request = TaskRequest.crawl("crawl-1-1", "http://127.0.0.1:8080/", PageLimits.defaults(), boundary);
        assertEquals(boundary, MessageCodec.decodeRequest(MessageCodec.encode(request)).boundary());

        String json = new String(MessageCodec.encode(request), StandardCharsets.UTF_8);
        String withoutBoundary = json.replaceAll(",\"boundary\":\\{.*\\}\\}$", "}");
        assertFalse(withoutBoundary.contains("boundary"), withoutBoundary);
        assertThrows(MessageCodec.MalformedMessageException.class,
                () -> MessageCodec.decodeRequest(withoutBoundary.getBytes(StandardCharsets.UTF_8)));
    }
}
