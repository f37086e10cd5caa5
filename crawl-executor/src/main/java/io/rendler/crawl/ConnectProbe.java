package io.rendler.crawl;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Finds out why a connection could not be made. The JDK 17 HTTP client retries a failed connect
 * once and then reports the retry's bare {@code ConnectException}, so "connection refused" is
 * lost. One plain blocking connect, within the time left, gets the operating system's reason back.
 */
final class ConnectProbe {

    private static final long MAX_WAIT_MILLIS = 2_000;

    private ConnectProbe() {}

    static String reason(String url, Deadline deadline) {
        URI uri = URI.create(url);
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        int waitMillis = (int) Math.min(deadline.remaining().toMillis(), MAX_WAIT_MILLIS);
        if (waitMillis <= 0) return "connection failed";
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), port), waitMillis);
            return "connection failed"; // it connects now, so the failure did not last
        } catch (SocketTimeoutException e) {
            return "connection timed out";
        } catch (UnknownHostException e) {
            return "unknown host";
        } catch (IOException e) {
            String message = e.getMessage();
            return message == null ? "connection failed" : FetchFailures.oneLine(message.toLowerCase(Locale.ROOT));
        }
    }
}
