package io.rendler.scheduler.run;

/**
 * Something outside the crawl is missing or broken before it can start: no Chromium, an output
 * directory that cannot be written, a Mesos master that cannot be reached. The message is the
 * one line shown to the user, so it says what to do.
 */
public final class SetupException extends RuntimeException {
    public SetupException(String message) {
        super(message);
    }

    public SetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
