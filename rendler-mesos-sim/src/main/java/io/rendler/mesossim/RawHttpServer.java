package io.rendler.mesossim;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A minimal HTTP/1.1 server on raw sockets with one thread per connection. We do not use
 * com.sun.net.httpserver because it picks its own header order and chunk boundaries, and the
 * transcripts pin both (README surprise 6).
 *
 * <p>Connections are kept alive like libprocess keeps them, so a client's pooled connection can
 * carry many calls. A handler may turn its exchange into an event stream; the connection thread
 * then watches for the client going away, which is how the master learns a scheduler disconnected.
 */
final class RawHttpServer implements AutoCloseable {

    interface Handler {
        HttpResponse handle(HttpRequest request, Exchange exchange) throws Exception;
    }

    /** The connection a request arrived on, for handlers that answer with a stream. */
    static final class Exchange {
        private final Socket socket;
        private final OutputStream out;
        private EventStream stream;

        private Exchange(Socket socket, OutputStream out) {
            this.socket = socket;
            this.out = out;
        }

        /** Answers with a 200 event stream instead of a whole response; return null from the handler. */
        EventStream startStream(WireEncoding encoding, String streamId, String name, Consumer<EventStream> onClosed) {
            if (stream != null) throw new IllegalStateException("already streaming");
            stream = new EventStream(socket, out, encoding, streamId, name, onClosed);
            return stream;
        }
    }

    private final String name;
    private final ServerSocket serverSocket;
    private final Handler handler;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    RawHttpServer(String name, int port, Handler handler) throws IOException {
        this.name = name;
        this.handler = handler;
        this.serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        Thread acceptor = new Thread(this::acceptLoop, "mesossim-" + name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    private void acceptLoop() {
        int counter = 0;
        while (!closed) {
            try {
                Socket socket = serverSocket.accept();
                socket.setTcpNoDelay(true);
                connections.add(socket);
                Thread thread = new Thread(() -> serve(socket), "mesossim-" + name + "-conn-" + (++counter));
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                if (!closed) System.err.println("mesossim " + name + ": accept failed: " + e);
            }
        }
    }

    private void serve(Socket socket) {
        EventStream stream = null;
        try (socket) {
            PushbackInputStream in = new PushbackInputStream(new BufferedInputStream(socket.getInputStream()), 1);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            while (!closed) {
                HttpRequest request = HttpRequest.read(in);
                if (request == null) break;
                Exchange exchange = new Exchange(socket, out);
                HttpResponse response = respond(request, exchange);
                if (exchange.stream == null) {
                    response.writeTo(out);
                    if (request.wantsClose()) break;
                    continue;
                }
                stream = exchange.stream;
                // While streaming, the only thing a client may do on this connection is close it.
                int next = in.read();
                if (next == -1) break;
                in.unread(next);
                stream.awaitWriterDone();
                if (!stream.endedCleanly()) break;
                stream = null;
            }
        } catch (IOException e) {
            // peer reset or we closed the socket (abort, shutdown): either way the connection is over
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connections.remove(socket);
            if (stream != null) stream.connectionClosed();
        }
    }

    private HttpResponse respond(HttpRequest request, Exchange exchange) {
        try {
            return handler.handle(request, exchange);
        } catch (Exception | AssertionError e) {
            System.err.println("mesossim " + name + ": handler failed on " + request.method() + " " + request.target());
            e.printStackTrace();
            return HttpResponse.text(500, "simulator error: " + e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
        for (Socket socket : connections) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
