package io.rendler.scheduler.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads back the nodes, edges and attributes of a rendler.dot, independently of the writer: a
 * tokenizer for DOT's quoted strings, identifiers and punctuation, enough for the statements
 * Rendler writes.
 */
record DotGraph(Map<String, Map<String, String>> nodes, Set<Edge> edges) {

    record Edge(String from, String to) {}

    static DotGraph parse(Path file) throws IOException {
        Tokens tokens = new Tokens(Files.readString(file, StandardCharsets.UTF_8));
        Map<String, Map<String, String>> nodes = new LinkedHashMap<>();
        Set<Edge> edges = new LinkedHashSet<>();
        tokens.expect("digraph");
        tokens.next(); // graph name
        tokens.expect("{");
        while (!tokens.peek().equals("}")) {
            String first = tokens.next();
            if (first.equals("graph") || first.equals("node") || first.equals("edge")) {
                attributes(tokens);
            } else if (tokens.peek().equals("->")) {
                tokens.next();
                edges.add(new Edge(first, tokens.next()));
                if (tokens.peek().equals("[")) attributes(tokens);
            } else {
                nodes.put(first, tokens.peek().equals("[") ? attributes(tokens) : Map.of());
            }
            if (tokens.peek().equals(";")) tokens.next();
        }
        return new DotGraph(nodes, edges);
    }

    private static Map<String, String> attributes(Tokens tokens) {
        Map<String, String> attrs = new HashMap<>();
        tokens.expect("[");
        while (!tokens.peek().equals("]")) {
            String name = tokens.next();
            tokens.expect("=");
            attrs.put(name, tokens.next());
            if (tokens.peek().equals(",") || tokens.peek().equals(";")) tokens.next();
        }
        tokens.expect("]");
        return attrs;
    }

    private static final class Tokens {
        private final String text;
        private int pos;

        Tokens(String text) {
            this.text = text;
        }

        String peek() {
            int saved = pos;
            String token = next();
            pos = saved;
            return token;
        }

        void expect(String wanted) {
            String got = next();
            if (!got.equals(wanted)) throw new IllegalStateException("expected " + wanted + " but got " + got + " at " + pos);
        }

        String next() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
            if (pos >= text.length()) throw new IllegalStateException("unexpected end of DOT");
            char c = text.charAt(pos);
            if (c == '"') {
                StringBuilder out = new StringBuilder();
                pos++;
                while (text.charAt(pos) != '"') {
                    char ch = text.charAt(pos++);
                    // In DOT only \" is an escape of the lexer; other backslashes are kept.
                    if (ch == '\\' && text.charAt(pos) == '"') ch = text.charAt(pos++);
                    out.append(ch);
                }
                pos++;
                return out.toString();
            }
            if (text.startsWith("->", pos)) {
                pos += 2;
                return "->";
            }
            if ("{}[]=,;".indexOf(c) >= 0) {
                pos++;
                return String.valueOf(c);
            }
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_' || text.charAt(pos) == '.')) pos++;
            if (start == pos) throw new IllegalStateException("unexpected '" + c + "' at " + pos);
            return text.substring(start, pos);
        }
    }
}
