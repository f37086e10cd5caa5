package io.rendler.crawl;

/**
 * How fetching one URL ended, after any redirects.
 *
 * @param finalUrl    the normalised URL of the last request made
 * @param status      the last HTTP status received, or 0 when no response arrived
 * @param contentType the last response's content type, or null
 * @param body        the page body when it was read (successful HTML only), else {@link Body#NONE}
 * @param error       a one-line reason when the fetch failed, else null; an HTTP error status
 *                    alone is not a fetch failure here
 * @param retryAfter  the last response's {@code Retry-After} header as sent, or null
 */
record Fetch(String finalUrl, int status, ContentType contentType, Body body, String error, String retryAfter) {

    static Fetch failed(String finalUrl, int status, ContentType contentType, String error) {
        return new Fetch(finalUrl, status, contentType, Body.NONE, error, null);
    }
}
