package io.rendler.scheduler.e2e;

import io.rendler.common.UrlNormalizer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The link structure a site really has, worked out the simplest way: breadth-first over HTTP,
 * one page at a time, with jsoup. End-to-end tests compare Rendler's graph against it.
 */
record SiteOracle(Map<String, Integer> statusByUrl, Set<String> htmlPages, Set<DotGraph.Edge> edges) {

    static SiteOracle crawl(String startUrl) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        String host = URI.create(startUrl).getAuthority();
        Map<String, Integer> status = new LinkedHashMap<>();
        Set<DotGraph.Edge> edges = new LinkedHashSet<>();
        Set<String> html = new LinkedHashSet<>();
        ArrayDeque<String> queue = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        queue.add(startUrl);
        seen.add(startUrl);
        while (!queue.isEmpty()) {
            String url = queue.poll();
            HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            status.put(url, response.statusCode());
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (response.statusCode() != 200 || !type.startsWith("text/html")) continue;
            html.add(url);
            Document doc = Jsoup.parse(response.body(), url);
            for (Element a : doc.select("a[href], area[href]")) {
                String link = UrlNormalizer.normalize(a.absUrl("href")).orElse(null);
                if (link == null || !URI.create(link).getAuthority().equals(host)) continue;
                if (!link.equals(url)) edges.add(new DotGraph.Edge(url, link));
                if (seen.add(link)) queue.add(link);
            }
        }
        return new SiteOracle(status, html, edges);
    }
}
