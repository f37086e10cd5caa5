package io.rendler.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class CappedBodySubscriberTest {

    private final RecordingSubscription subscription = new RecordingSubscription();

    @Test
    void aBodyUnderTheLimitIsReadWhole() throws Exception {
        CappedBodySubscriber subscriber = subscribed(10);

        subscriber.onNext(buffers("abc", "de"));
        subscriber.onNext(buffers("fgh"));
        subscriber.onComplete();

        Body body = subscriber.getBody().toCompletableFuture().get();
        assertEquals("abcdefgh", text(body));
        assertFalse(body.truncated());
        assertEquals(3, subscription.requested, "asks for one list at a time");
        assertFalse(subscription.cancelled);
    }

    @Test
    void aBodyExactlyAtTheLimitIsNotTruncated() throws Exception {
        CappedBodySubscriber subscriber = subscribed(5);

        subscriber.onNext(buffers("abcde"));
        subscriber.onComplete();

        Body body = subscriber.getBody().toCompletableFuture().get();
        assertEquals("abcde", text(body));
        assertFalse(body.truncated());
    }

    @Test
    void aBodyOverTheLimitIsCutAndTheDownloadCancelled() throws Exception {
        CappedBodySubscriber subscriber = subscribed(5);

        subscriber.onNext(buffers("abc", "defg", "hij"));

        Body body = subscriber.getBody().toCompletableFuture().get();
        assertEquals("abcde", text(body));
        assertEquals(5, body.size());
        assertTrue(body.truncated());
        assertTrue(subscription.cancelled);
    }

    @Test
    void oneByteMoreThanTheLimitInALaterListIsATruncation() throws Exception {
        CappedBodySubscriber subscriber = subscribed(3);

        subscriber.onNext(buffers("abc"));
        subscriber.onNext(buffers("d"));

        assertTrue(subscriber.getBody().toCompletableFuture().get().truncated());
    }

    @Test
    void cancellingBeforeTheSubscriptionCancelsItOnArrival() {
        CappedBodySubscriber subscriber = new CappedBodySubscriber(10);

        subscriber.cancel();
        subscriber.onSubscribe(subscription);

        assertTrue(subscription.cancelled);
        assertEquals(0, subscription.requested);
    }

    @Test
    void aFailedDownloadFailsTheBody() {
        CappedBodySubscriber subscriber = subscribed(10);

        subscriber.onError(new IOException("reset"));

        assertTrue(subscriber.getBody().toCompletableFuture().isCompletedExceptionally());
    }

    private CappedBodySubscriber subscribed(long maxBytes) {
        CappedBodySubscriber subscriber = new CappedBodySubscriber(maxBytes);
        subscriber.onSubscribe(subscription);
        return subscriber;
    }

    private static List<ByteBuffer> buffers(String... parts) {
        return java.util.Arrays.stream(parts).map(p -> ByteBuffer.wrap(p.getBytes(StandardCharsets.US_ASCII))).toList();
    }

    private static String text(Body body) throws IOException {
        byte[] bytes = body.stream().readAllBytes();
        assertEquals(body.size(), bytes.length);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static final class RecordingSubscription implements Flow.Subscription {
        long requested;
        boolean cancelled;

        @Override
        public void request(long n) {
            requested += n;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }
}
