package io.rendler.mesos;

/**
 * What the transport threads do with a Throwable nobody expected (a bug in a listener or a
 * handler, an Error): end the process loudly, rather than leave a framework or executor running
 * with a dead thread inside it. Tests substitute one that records the failure.
 */
@FunctionalInterface
interface FatalErrors {

    /** Prints the failure to stderr and exits with status 70 (EX_SOFTWARE). */
    FatalErrors EXIT = (where, failure) -> {
        System.err.println("FATAL: unexpected failure in " + where + "; exiting");
        failure.printStackTrace(System.err);
        System.err.flush();
        System.exit(70);
    };

    void die(String where, Throwable failure);
}
