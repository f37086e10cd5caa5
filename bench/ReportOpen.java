import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Opens report.html files in Chromium, as a person would from file://, and times them: from the
 * start of navigation until the report's graph says it is drawn ({@code window.rendlerReady}),
 * then a search for a URL, then a click on the first search hit. Also the page's JS heap once
 * drawn. Each run is a fresh browser tab in a fresh context, so nothing is cached between runs.
 *
 * <p>Run with rendler.jar on the class path (it carries Playwright):
 * {@code java -cp rendler-scheduler/target/rendler.jar bench/ReportOpen.java RUNS CHROMIUM DIR...}.
 * Prints one JSON object per report on stdout: bench/report.py turns them into a table.
 */
public final class ReportOpen {

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: ReportOpen RUNS CHROMIUM OUTPUT_DIR...");
            System.exit(2);
        }
        int runs = Integer.parseInt(args[0]);
        Path chromium = Path.of(args[1]);
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                     .setExecutablePath(chromium)
                     .setArgs(List.of("--enable-precise-memory-info", "--disable-gpu")))) {
            for (int i = 2; i < args.length; i++) {
                Path report = Path.of(args[i]).toAbsolutePath().resolve("report.html");
                List<Double> ready = new ArrayList<>();
                List<Double> search = new ArrayList<>();
                List<Double> click = new ArrayList<>();
                List<Double> heap = new ArrayList<>();
                int nodes = 0;
                String probe = null;
                List<String> errors = new ArrayList<>();
                for (int run = 0; run < runs; run++) {
                    var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1600, 1000));
                    Page page = context.newPage();
                    page.onPageError(error -> errors.add(error));
                    page.onConsoleMessage(message -> {
                        if (message.type().equals("error")) errors.add(message.text());
                    });
                    page.navigate(report.toUri().toString(), new Page.NavigateOptions().setTimeout(120_000));
                    page.waitForFunction("() => window.rendlerReady === true", null,
                            new Page.WaitForFunctionOptions().setTimeout(120_000).setPollingInterval(20));
                    ready.add(number(page.evaluate("() => performance.now()")));
                    heap.add(number(page.evaluate("() => performance.memory ? performance.memory.usedJSHeapSize / 1048576 : -1")));
                    nodes = (int) number(page.evaluate("() => window.rendlerView.pageCount()"));
                    // Search for a page deep in the crawl: the last page of the data, by a piece of its URL.
                    if (probe == null) {
                        probe = (String) page.evaluate("() => { const d = JSON.parse(document.getElementById('rendler-data').textContent);"
                                + " const u = d.pages[d.pages.length - 1].url; return u.substring(u.lastIndexOf('/') + 1) || u; }");
                    }
                    search.add(number(page.evaluate("q => { const t = performance.now(); window.rendlerView.search(q);"
                            + " return performance.now() - t; }", probe)));
                    click.add(number(page.evaluate("q => new Promise(done => { const t = performance.now();"
                            + " const url = JSON.parse(document.getElementById('rendler-data').textContent).pages.slice(-1)[0].url;"
                            + " window.rendlerView.select(url);"
                            + " requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t))); })", probe)));
                    context.close();
                }
                System.out.println(String.format(Locale.ROOT,
                        "{\"dir\": \"%s\", \"bytes\": %d, \"nodes\": %d, \"runs\": %d, \"ready_ms\": %s, \"search_ms\": %s,"
                                + " \"select_ms\": %s, \"js_heap_mb\": %s, \"errors\": %d}",
                        args[i], Files.size(report), nodes, runs, ready, search, click, heap, errors.size()));
                String dir = args[i];
                errors.stream().distinct().limit(5).forEach(e -> System.err.println("  " + dir + ": " + e));
            }
        }
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }
}
