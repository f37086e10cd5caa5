package io.rendler.scheduler.journal;

/** A journal that cannot be read or replayed; the message is one line for the user. */
public final class JournalException extends Exception {
    public JournalException(String message) {
        super(message);
    }
}
