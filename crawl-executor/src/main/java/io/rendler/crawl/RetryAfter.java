package io.rendler.crawl;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;

/** The {@code Retry-After} header (RFC 9110 §10.2.3): a number of seconds, or an HTTP date. */
final class RetryAfter {

    private RetryAfter() {}

    /** How long to wait from {@code now}, in milliseconds; empty when the header is missing or unreadable. */
    static OptionalLong millis(String header, Instant now) {
        if (header == null || header.isBlank()) return OptionalLong.empty();
        String value = header.strip();
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return OptionalLong.of(Math.multiplyExact(Long.parseLong(value), 1000L));
            } catch (ArithmeticException | NumberFormatException e) {
                return OptionalLong.of(Long.MAX_VALUE);
            }
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return OptionalLong.of(Math.max(0, Duration.between(now, at).toMillis()));
        } catch (DateTimeParseException e) {
            return OptionalLong.empty();
        }
    }
}
