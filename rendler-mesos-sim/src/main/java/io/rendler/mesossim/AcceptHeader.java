package io.rendler.mesossim;

import java.util.Locale;
import java.util.Optional;

/**
 * libprocess' {@code Request::acceptsMediaType}: no Accept header accepts everything; otherwise
 * the most specific matching media range decides, and {@code q=0} refuses.
 */
final class AcceptHeader {

    private AcceptHeader() {}

    static boolean accepts(Optional<String> header, String mediaType) {
        if (header.isEmpty()) return true;
        String wanted = mediaType.toLowerCase(Locale.ROOT);
        String wantedType = wanted.substring(0, wanted.indexOf('/'));
        int bestSpecificity = -1;
        double bestQuality = 0;
        for (String entry : header.get().split(",")) {
            String[] parts = entry.split(";");
            String range = parts[0].trim().toLowerCase(Locale.ROOT);
            int specificity;
            if (range.equals(wanted)) {
                specificity = 2;
            } else if (range.equals(wantedType + "/*")) {
                specificity = 1;
            } else if (range.equals("*/*")) {
                specificity = 0;
            } else {
                continue;
            }
            double quality = 1.0;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].trim();
                if (parameter.startsWith("q=")) {
                    try {
                        quality = Double.parseDouble(parameter.substring(2));
                    } catch (NumberFormatException e) {
                        quality = 0;
                    }
                }
            }
            if (specificity > bestSpecificity) {
                bestSpecificity = specificity;
                bestQuality = quality;
            }
        }
        return bestSpecificity >= 0 && bestQuality > 0;
    }

    /** The stream encoding for a SUBSCRIBE: JSON if acceptable, else protobuf, else none (406). */
    static Optional<WireEncoding> streamEncoding(Optional<String> header) {
        if (accepts(header, WireEncoding.JSON.mediaType)) return Optional.of(WireEncoding.JSON);
        if (accepts(header, WireEncoding.PROTOBUF.mediaType)) return Optional.of(WireEncoding.PROTOBUF);
        return Optional.empty();
    }

    /** The shared 406 text (the order of the two types is Mesos'). */
    static final String NOT_ACCEPTABLE = "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'";
}
