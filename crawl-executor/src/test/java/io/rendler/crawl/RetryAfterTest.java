package io.rendler.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void secondsAreMilliseconds() {
        assertEquals(OptionalLong.of(120_000), RetryAfter.millis(" 120 ", NOW));
        assertEquals(OptionalLong.of(0), RetryAfter.millis("0", NOW));
    }

    @Test
    void anHttpDateIsTheTimeLeftUntilThen() {
        assertEquals(OptionalLong.of(90_000), RetryAfter.millis("Sun, 06 Dec 2026 10:01:30 GMT", NOW));
        assertEquals(OptionalLong.of(0), RetryAfter.millis("Sun, 06 Dec 2026 09:00:00 GMT", NOW), "a date in the past means now");
    }

    @Test
    void missingOrUnreadableIsEmpty() {
        assertTrue(RetryAfter.millis(null, NOW).isEmpty());
        assertTrue(RetryAfter.millis("soon", NOW).isEmpty());
        assertTrue(RetryAfter.millis("-5", NOW).isEmpty());
    }
}
