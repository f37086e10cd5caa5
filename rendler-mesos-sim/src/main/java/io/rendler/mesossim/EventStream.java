package io.rendler.mesossim;

import com.google.protobuf.Message;
import io.rendler.mesos.RecordIO;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One subscriber's event stream: a {@code 200 OK} with chunked transfer encoding carrying RecordIO
 * records. Every record is its own HTTP chunk (README surprise 6), which some clients rely on.
 *
 * <p>Senders only enqueue, so the simulator's state lock is never held across a socket write; a
 * writer thread drains the queue in order. {@link #end()} writes the terminating 0-chunk (what
 * TEARDOWN and failover do), {@link #abort()} drops the socket with no 0-chunk (what a crash or a
 * broken network looks like to the client).
 */
final class EventStream {

    private static final byte[] END = new byte[0];

    private final Socket socket;
    private final OutputStream out;
    private final WireEncoding encoding;
    private final String streamId;
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicBoolean closedNotified = new AtomicBoolean();
    private final Consumer<EventStream> onClosed;
    private volatile boolean accepting = true;
    private volatile boolean ended;

    /**
     * @param streamId the Mesos-Stream-Id header value, or null for executor streams, which have
     *     no such header ({@code executor/fake-exec-1-8567/00-subscribe-stream.response})
     * @param onClosed called once when the connection is gone, whoever closed it
     */
    EventStream(Socket socket, OutputStream out, WireEncoding encoding, String streamId, String name,
                Consumer<EventStream> onClosed) {
        this.socket = socket;
        this.out = out;
        this.encoding = encoding;
        this.streamId = streamId;
        this.onClosed = onClosed;
        queue.add(head());
        Thread writer = new Thread(this::drain, "mesossim-stream-" + name);
        writer.setDaemon(true);
        writer.start();
    }

    /** Header order as recorded: Date, Transfer-Encoding, Mesos-Stream-Id, Content-Type. */
    private byte[] head() {
        StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\n")
                .append("Date: ").append(HttpResponse.httpDate()).append("\r\n")
                .append("Transfer-Encoding: chunked\r\n");
        if (streamId != null) head.append("Mesos-Stream-Id: ").append(streamId).append("\r\n");
        head.append("Content-Type: ").append(encoding.mediaType).append("\r\n\r\n");
        return head.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    String streamId() {
        return streamId;
    }

    WireEncoding encoding() {
        return encoding;
    }

    boolean isOpen() {
        return accepting;
    }

    /** Queues one event as one chunk holding one RecordIO record. False once the stream is over. */
    boolean send(Message event) {
        if (!accepting) return false;
        byte[] record = RecordIO.frame(encoding.encode(event));
        byte[] size = (Integer.toHexString(record.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] chunk = new byte[size.length + record.length + 2];
        System.arraycopy(size, 0, chunk, 0, size.length);
        System.arraycopy(record, 0, chunk, size.length, record.length);
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        queue.add(chunk);
        return true;
    }

    /** Ends the stream cleanly: the queued events, then the 0-chunk. The connection stays usable. */
    void end() {
        if (!accepting) return;
        accepting = false;
        queue.add(END);
    }

    /** Closes the socket at once with no 0-chunk; the client sees the body break off. */
    void abort() {
        accepting = false;
        closeSocket();
    }

    /** True once the 0-chunk went out (as opposed to the socket breaking). */
    boolean endedCleanly() {
        return ended;
    }

    /** Blocks until the writer is done, for the connection to be reused after a clean end. */
    void awaitWriterDone() throws InterruptedException {
        finished.await(30, TimeUnit.SECONDS);
    }

    /** Called by the connection when the peer went away or the socket broke. Idempotent. */
    void connectionClosed() {
        accepting = false;
        closeSocket();
        queue.add(END); // wakes the writer, which then finds the socket closed
        if (closedNotified.compareAndSet(false, true)) {
            onClosed.accept(this);
        }
    }

    private void drain() {
        try {
            while (true) {
                byte[] item = queue.take();
                if (item == END) {
                    if (!socket.isClosed()) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        ended = true;
                    }
                    return;
                }
                out.write(item);
                out.flush();
            }
        } catch (IOException e) {
            closeSocket();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
