package io.rendler.render;

/** A page could not be rendered. The message is the one-line reason that goes into the result. */
final class RenderFailedException extends Exception {

    RenderFailedException(String reason) {
        super(reason, null, false, false);
    }
}
