package io.rendler.scheduler.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The demo site's structure, worked out by parsing its HTML from the classpath, so the tests
 * never depend on a hand-kept description that could drift from the pages.
 */
final class SiteLinks {

    private static final String BASE = "http://demo.invalid/";

    /** Every file in INDEX with its bytes. */
    final Map<String, byte[]> files = new LinkedHashMap<>();
    /** Parsed HTML pages by path. */
    final Map<String, Document> pages = new LinkedHashMap<>();
    /** Page links ({@code <a href>}) by page, as site paths, fragments dropped, in document order. */
    final Map<String, List<String>> links = new LinkedHashMap<>();

    static SiteLinks load() {
        SiteLinks site = new SiteLinks();
        try {
            for (String path : DemoSite.readIndex()) {
                try (InputStream in = SiteLinks.class.getClassLoader().getResourceAsStream(DemoSite.RESOURCE_ROOT + path)) {
                    if (in == null) throw new IOException("missing " + path);
                    site.files.put(path, in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Map.Entry<String, byte[]> file : site.files.entrySet()) {
            if (!file.getKey().endsWith(".html")) continue;
            Document doc = Jsoup.parse(new String(file.getValue(), StandardCharsets.UTF_8), BASE + file.getKey());
            site.pages.put(file.getKey(), doc);
            List<String> targets = new ArrayList<>();
            for (Element a : doc.select("a[href]")) targets.add(sitePath(a.absUrl("href")));
            site.links.put(file.getKey(), targets);
        }
        return site;
    }

    /** {@code url} as a path under the site root, without fragment; {@code /} becomes index.html. */
    static String sitePath(String url) {
        if (!url.startsWith(BASE)) throw new IllegalArgumentException("link leaves the site: " + url);
        String path = url.substring(BASE.length());
        int hash = path.indexOf('#');
        if (hash >= 0) path = path.substring(0, hash);
        return path.isEmpty() || path.endsWith("/") ? path + "index.html" : path;
    }

    /** Resolves an attribute of an element, such as an image's src, to a site path. */
    static String resolve(Element element, String attribute) {
        return sitePath(element.absUrl(attribute));
    }

    /** Link distance from index.html to every page reachable through HTML pages. */
    Map<String, Integer> depths() {
        Map<String, Integer> depth = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>();
        depth.put("index.html", 0);
        queue.add("index.html");
        while (!queue.isEmpty()) {
            String page = queue.poll();
            for (String target : links.getOrDefault(page, List.of())) {
                if (depth.containsKey(target)) continue;
                depth.put(target, depth.get(page) + 1);
                if (pages.containsKey(target)) queue.add(target);
            }
        }
        return depth;
    }

    /** Link targets that are not files of the site: the broken links. */
    Set<String> brokenTargets() {
        Set<String> broken = new LinkedHashSet<>();
        for (List<String> targets : links.values()) {
            for (String target : targets) if (!files.containsKey(target)) broken.add(target);
        }
        return broken;
    }
}
