package io.rendler.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class FetchFailuresTest {

    @Test
    void aTimeoutIsWordedInTheUnitItWasGivenIn() {
        assertEquals("timeout after 15s", FetchFailures.timeout(15_000));
        assertEquals("timeout after 1500ms", FetchFailures.timeout(1_500));
    }

    @Test
    void theReasonIsFoundAmongTheCauses() {
        assertEquals("timeout after 2s", FetchFailures.describe(new HttpTimeoutException("request timed out"), 2_000));
        assertEquals("timeout after 2s", FetchFailures.describe(connectTimeout(), 2_000));
        assertEquals("unknown host", FetchFailures.describe(wrapped(new UnresolvedAddressException()), 2_000));
        assertEquals("connection refused", FetchFailures.describe(wrapped(new ConnectException("Connection refused")), 2_000));
        assertEquals("TLS failure: PKIX path building failed",
                FetchFailures.describe(new SSLHandshakeException("PKIX path building failed"), 2_000));
        assertEquals("header parser received no bytes", FetchFailures.describe(new IOException("header parser received no bytes"), 2_000));
        assertEquals("EOFException", FetchFailures.describe(new java.io.EOFException(), 2_000));
    }

    @Test
    void onlyAPlainConnectFailureNeedsAProbe() {
        assertTrue(FetchFailures.isConnectFailure(wrapped(new ConnectException())));
        assertFalse(FetchFailures.isConnectFailure(connectTimeout()));
        assertFalse(FetchFailures.isConnectFailure(wrapped(new UnresolvedAddressException())));
        assertFalse(FetchFailures.isConnectFailure(new IOException("reset")));
    }

    @Test
    void aReasonIsOneShortLine() {
        String line = FetchFailures.oneLine("first\nsecond\t third " + "x".repeat(500));

        assertTrue(line.startsWith("first second third x"));
        assertEquals(200, line.length());
    }

    private static IOException wrapped(Throwable cause) {
        ConnectException outer = new ConnectException();
        outer.initCause(cause);
        return outer;
    }

    private static HttpConnectTimeoutException connectTimeout() {
        HttpConnectTimeoutException timeout = new HttpConnectTimeoutException("HTTP connect timed out");
        timeout.initCause(new ConnectException("HTTP connect timed out"));
        return timeout;
    }
}
