package io.rendler.crawl;

import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Decides, once the status line and headers of one response are in, whether its body is worth
 * reading. Only a successful HTML page is. Any other body (a redirect's, an error page, an image,
 * a PDF) is refused unread, which closes the connection instead of downloading bytes we would
 * throw away.
 *
 * <p>One instance serves one request. {@link #abandon} is how the deadline stops a body that is
 * still trickling in.
 */
final class PageBodyHandler implements HttpResponse.BodyHandler<Body> {

    private final long maxBytes;
    private volatile ResponseInfo head;
    private volatile CappedBodySubscriber reading;
    private volatile boolean abandoned;

    PageBodyHandler(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public BodySubscriber<Body> apply(ResponseInfo response) {
        head = response;
        boolean success = response.statusCode() >= 200 && response.statusCode() < 300;
        ContentType type = contentTypeOf(response);
        if (!success || !ContentType.isHtml(type)) return new RefusedBody();
        CappedBodySubscriber subscriber = new CappedBodySubscriber(maxBytes);
        reading = subscriber;
        if (abandoned) subscriber.cancel();
        return subscriber;
    }

    /** The status of the response once its headers are in, else 0; known even when the body never completes. */
    int status() {
        ResponseInfo current = head;
        return current == null ? 0 : current.statusCode();
    }

    /** The content type of the response once its headers are in, else null. */
    ContentType contentType() {
        ResponseInfo current = head;
        return current == null ? null : contentTypeOf(current);
    }

    /** Stops reading the body, now or as soon as it starts. Safe from any thread. */
    void abandon() {
        abandoned = true;
        CappedBodySubscriber current = reading;
        if (current != null) current.cancel();
    }

    private static ContentType contentTypeOf(ResponseInfo response) {
        return ContentType.parse(response.headers().firstValue("Content-Type").orElse(null));
    }

    /** Cancels the body the moment it is offered. */
    private static final class RefusedBody implements BodySubscriber<Body> {

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel();
        }

        @Override
        public void onNext(List<ByteBuffer> item) {}

        @Override
        public void onError(Throwable throwable) {}

        @Override
        public void onComplete() {}

        @Override
        public CompletionStage<Body> getBody() {
            return CompletableFuture.completedFuture(Body.NONE);
        }
    }
}
