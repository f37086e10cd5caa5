package io.rendler.scheduler.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files behind the live view and the report's graph, read from the class path: ours live in
 * {@code src/main/resources/io/rendler/scheduler/ui/}, and Cytoscape.js with its licence comes
 * from its WebJar. The same bytes are served by the UI server and inlined into report.html, so
 * neither page ever fetches anything from elsewhere.
 */
public final class UiAssets {

    private static final String OURS = "/io/rendler/scheduler/ui/";
    private static final String CYTOSCAPE_POM = "/META-INF/maven/org.webjars.npm/cytoscape/pom.properties";
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private UiAssets() {}

    /** One of our own UI files, such as {@code graph-view.js}. */
    public static String ours(String name) {
        if (!name.matches("[a-z0-9-]+\\.(js|css|html)")) throw new IllegalArgumentException("not a UI file name: " + name);
        return CACHE.computeIfAbsent(name, n -> read(OURS + n));
    }

    /** Cytoscape.js, minified. */
    public static String cytoscapeJs() {
        return CACHE.computeIfAbsent("cytoscape.min.js", n -> read(cytoscapeDir() + "dist/cytoscape.min.js"));
    }

    /** Cytoscape.js's MIT licence, which must travel with it. */
    public static String cytoscapeLicense() {
        return CACHE.computeIfAbsent("cytoscape.LICENSE", n -> read(cytoscapeDir() + "LICENSE"));
    }

    /** The bundled Cytoscape.js version, e.g. "3.33.1". */
    public static String cytoscapeVersion() {
        return CACHE.computeIfAbsent("cytoscape.version", n -> {
            Properties pom = new Properties();
            try (InputStream in = stream(CYTOSCAPE_POM)) {
                pom.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return pom.getProperty("version");
        });
    }

    private static String cytoscapeDir() {
        return "/META-INF/resources/webjars/cytoscape/" + cytoscapeVersion() + "/";
    }

    private static String read(String path) {
        try (InputStream in = stream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the UI file " + path, e);
        }
    }

    private static InputStream stream(String path) throws IOException {
        InputStream in = UiAssets.class.getResourceAsStream(path);
        if (in == null) throw new IOException("missing from the class path (a broken build?): " + path);
        return in;
    }
}
