package io.rendler.render;

/** No usable Chromium binary. The message is one line that tells the user what to do. */
public final class ChromiumNotFoundException extends RuntimeException {

    public ChromiumNotFoundException(String message) {
        super(message);
    }
}
