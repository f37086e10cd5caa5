package io.rendler.crawl;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.util.Locale;

/**
 * A parsed {@code Content-Type} header.
 *
 * @param mediaType the lower-case media type without parameters, such as {@code text/html}
 * @param charset   the declared charset when the JVM supports it, else null so that jsoup sniffs
 *                  the meta tag and the byte order mark instead
 */
record ContentType(String mediaType, String charset) {

    /** The parsed header, or null when the header is missing or blank. */
    static ContentType parse(String header) {
        if (header == null || header.isBlank()) return null;
        String[] parts = header.split(";");
        String mediaType = parts[0].strip().toLowerCase(Locale.ROOT);
        String charset = null;
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            int equals = parameter.indexOf('=');
            if (equals < 0 || !parameter.substring(0, equals).strip().equalsIgnoreCase("charset")) continue;
            String value = parameter.substring(equals + 1).strip().replace("\"", "").replace("'", "");
            if (isSupported(value)) charset = value;
        }
        return new ContentType(mediaType, charset);
    }

    /**
     * Whether a body of this type is parsed for links. A response without a Content-Type is given
     * the benefit of the doubt, as browsers and jsoup do.
     */
    static boolean isHtml(ContentType type) {
        return type == null || type.mediaType.equals("text/html") || type.mediaType.equals("application/xhtml+xml");
    }

    private static boolean isSupported(String charset) {
        try {
            return !charset.isEmpty() && Charset.isSupported(charset);
        } catch (IllegalCharsetNameException e) {
            return false;
        }
    }
}
