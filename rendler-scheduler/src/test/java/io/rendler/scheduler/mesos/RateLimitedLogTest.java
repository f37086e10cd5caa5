package io.rendler.scheduler.mesos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {

    private final List<String> lines = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000);
    private final RateLimitedLog log = new RateLimitedLog(lines::add, 3, Duration.ofSeconds(60), now::get);

    @Test
    void passesABurstPerWindowThenSaysHowManyItHeldBack() {
        for (int i = 1; i <= 10; i++) log.accept("bad message " + i);
        assertEquals(List.of("bad message 1", "bad message 2", "bad message 3"), lines);

        now.addAndGet(Duration.ofSeconds(59).toNanos());
        log.accept("still the same window");
        assertEquals(3, lines.size());

        now.addAndGet(Duration.ofSeconds(1).toNanos());
        log.accept("bad message 12");
        log.accept("bad message 13");
        assertEquals(List.of("bad message 1", "bad message 2", "bad message 3",
                "bad message 12 (and 8 more like it not shown)", "bad message 13"), lines);
    }

    @Test
    void aStrangersTextBecomesOneShortLine() {
        log.accept("dropped: " + "line\r\nbreak\u0000".repeat(100));
        assertEquals(1, lines.size());
        String line = lines.get(0);
        assertEquals(300, line.length());
        assertEquals("dropped: line break line break ", line.substring(0, 31));
    }
}
