package io.rendler.crawl;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** Turns what went wrong in a fetch into the one-line reason a crawl report shows. */
final class FetchFailures {

    private static final int MAX_LENGTH = 200;

    private FetchFailures() {}

    static String timeout(long timeoutMillis) {
        return "timeout after " + (timeoutMillis % 1000 == 0 ? timeoutMillis / 1000 + "s" : timeoutMillis + "ms");
    }

    /**
     * The reason for {@code failure}. The JDK client wraps the interesting exception (an
     * unresolved address inside a {@code ConnectException}, say), so this looks down the causes.
     */
    static String describe(Throwable failure, long timeoutMillis) {
        if (has(failure, HttpTimeoutException.class)) return timeout(timeoutMillis);
        if (has(failure, UnresolvedAddressException.class) || has(failure, UnknownHostException.class)) return "unknown host";
        if (isConnectFailure(failure)) {
            String message = messages(failure);
            if (message.toLowerCase(Locale.ROOT).contains("refused")) return "connection refused";
            return message.isEmpty() ? "connection failed" : oneLine("connection failed: " + message);
        }
        if (has(failure, SSLException.class)) return oneLine("TLS failure: " + messages(failure));
        String message = messages(failure);
        return oneLine(message.isEmpty() ? failure.getClass().getSimpleName() : message);
    }

    /** Whether no connection could be made, for a reason other than the name or the clock. */
    static boolean isConnectFailure(Throwable failure) {
        return has(failure, ConnectException.class) && !has(failure, HttpTimeoutException.class)
                && !has(failure, UnresolvedAddressException.class) && !has(failure, UnknownHostException.class);
    }

    /** Squeezes {@code text} onto one line of bounded length. */
    static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= MAX_LENGTH ? line : line.substring(0, MAX_LENGTH - 1) + "…";
    }

    private static boolean has(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }

    /** The distinct messages along the cause chain, outermost first. */
    private static String messages(Throwable failure) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message == null || message.isBlank() || out.indexOf(message) >= 0) continue;
            if (out.length() > 0) out.append(": ");
            out.append(message);
        }
        return out.toString();
    }
}
