package io.rendler.scheduler.core;

/**
 * What became of an encoded result handed to the scheduler. Only the executor that ran a task
 * should send its result, but anyone who can reach an agent can send a framework message naming
 * one of our executors, so a result is applied only when it decodes and matches a task we
 * launched: its id, its kind and its URL.
 *
 * @param verdict what happened
 * @param reason  a one-line reason for a dropped result, else null
 */
public record Delivery(Verdict verdict, String reason) {

    public enum Verdict {
        /** The result was applied to its page. */
        APPLIED,
        /** A second copy (message and status update) or a late one: the page already had its result. */
        DUPLICATE,
        /** Not a valid result at all. */
        MALFORMED,
        /** A valid result that does not belong to the task it names. */
        UNEXPECTED
    }

    static final Delivery APPLIED = new Delivery(Verdict.APPLIED, null);
    static final Delivery DUPLICATE = new Delivery(Verdict.DUPLICATE, null);

    public static Delivery malformed(String reason) {
        return new Delivery(Verdict.MALFORMED, reason);
    }

    public static Delivery unexpected(String reason) {
        return new Delivery(Verdict.UNEXPECTED, reason);
    }

    /** True when the result was thrown away: the task's terminal update then decides whether it runs again. */
    public boolean dropped() {
        return verdict == Verdict.MALFORMED || verdict == Verdict.UNEXPECTED;
    }
}
