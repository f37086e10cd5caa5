package io.rendler.mesossim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Literal replacements between recorded values and ours (framework, offer, agent and stream ids,
 * uuids, the executor command), applied longest first so that an id never clobbers a longer id
 * that contains it ({@code ...-O1} inside {@code ...-O10}).
 */
final class Substitutions {

    private final Map<String, String> replacements = new LinkedHashMap<>();

    Substitutions put(String from, String to) {
        if (from != null && to != null && !from.equals(to)) replacements.put(from, to);
        return this;
    }

    String apply(String text) {
        String out = text;
        for (String from : replacements.keySet().stream().sorted((a, b) -> b.length() - a.length()).toList()) {
            out = out.replace(from, replacements.get(from));
        }
        return out;
    }

    Substitutions inverse() {
        Substitutions inverse = new Substitutions();
        replacements.forEach((from, to) -> inverse.put(to, from));
        return inverse;
    }

    String get(String from) {
        return replacements.get(from);
    }
}
