package io.rendler.crawl;

import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a body up to a byte limit, then cancels the rest of the download. Cancelling closes the
 * connection, so a 50 MB page costs the limit and no more, in memory and on the wire.
 *
 * <p>The HTTP client calls {@code onNext} one buffer list at a time; {@link #cancel} may come from
 * any thread, at any moment, including before the subscription exists.
 */
public final class CappedBodySubscriber implements BodySubscriber<Body> {

    private final long maxBytes;
    private final CompletableFuture<Body> body = new CompletableFuture<>();
    private final List<byte[]> chunks = new ArrayList<>();
    private long size;
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;

    /** A body as one array, at most {@code maxBytes} of it; the rest is not downloaded. */
    public static BodySubscriber<byte[]> firstBytes(int maxBytes) {
        return HttpResponse.BodySubscribers.mapping(new CappedBodySubscriber(maxBytes), Body::bytes);
    }

    CappedBodySubscriber(long maxBytes) {
        if (maxBytes <= 0) throw new IllegalArgumentException("maxBytes must be positive");
        this.maxBytes = maxBytes;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (cancelled) subscription.cancel();
        else subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) return;
        for (ByteBuffer buffer : buffers) {
            if (!buffer.hasRemaining()) continue;
            if (size == maxBytes) {
                finish(true);
                return;
            }
            byte[] chunk = new byte[(int) Math.min(buffer.remaining(), maxBytes - size)];
            buffer.get(chunk);
            chunks.add(chunk);
            size += chunk.length;
            if (buffer.hasRemaining()) {
                finish(true);
                return;
            }
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable failure) {
        body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        body.complete(new Body(chunks, size, false));
    }

    @Override
    public CompletionStage<Body> getBody() {
        return body;
    }

    /** Stops the download; the body then never completes normally. Safe from any thread. */
    void cancel() {
        cancelled = true;
        Flow.Subscription current = subscription;
        if (current != null) current.cancel();
    }

    private void finish(boolean truncated) {
        subscription.cancel();
        body.complete(new Body(chunks, size, truncated));
    }
}
