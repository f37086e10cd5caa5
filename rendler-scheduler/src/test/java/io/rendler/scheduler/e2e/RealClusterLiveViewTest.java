package io.rendler.scheduler.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.rendler.render.BrowserLocator;
import io.rendler.scheduler.demo.DemoSite;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live view of a crawl on a real Mesos cluster, in real Chromium: what the page shows must come
 * from the real master (its agents, its offers, our launches on them, the executors' framework
 * messages and the status updates we acknowledge), and the graph must end with every page.
 */
@EnabledIfEnvironmentVariable(named = RealCluster.MASTER_ENV, matches = ".+",
        disabledReason = RealCluster.MASTER_ENV + " is not set, so there is no real Mesos cluster to run against")
class RealClusterLiveViewTest {

    private final RealCluster cluster = RealCluster.fromEnvironment();

    @AfterEach
    void restoreCluster() {
        cluster.restore();
    }

    @Test
    void theLiveViewShowsTheRealMastersAgentsOffersLaunchesAndMessages(@TempDir Path out) throws Exception {
        String advertiseHost = System.getenv().getOrDefault("RENDLER_TEST_ADVERTISE_HOST", "127.0.0.1");
        try (DemoSite site = DemoSite.start(InetAddress.getByName(advertiseHost), 0);
             ClusterCrawl crawl = ClusterCrawl.start(cluster, site.startUrl(), advertiseHost, out, "--ui");
             Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                     .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                     .setExecutablePath(BrowserLocator.installedOnly().locate(Optional.empty())))) {
            Page page = browser.newPage();
            page.navigate(crawl.liveUrl());
            String frameworkId = crawl.frameworkId();

            // --ui keeps the page up after the crawl, so the end is waited for in the page itself.
            page.waitForFunction("() => document.getElementById('state').classList.contains('finished')", null,
                    new Page.WaitForFunctionOptions().setTimeout(240_000));

            assertTrue(page.textContent("#cluster-line").contains("framework " + frameworkId), page.textContent("#cluster-line"));
            for (String type : List.of("OFFERS", "ACCEPT", "UPDATE", "ACKNOWLEDGE", "MESSAGE")) {
                Number count = (Number) page.evaluate("t => { const chip = [...document.querySelectorAll('#cluster-totals .chip')]"
                        + ".find(c => c.textContent.trim().endsWith(' ' + t)); return chip ? +chip.querySelector('b').textContent : 0; }", type);
                assertTrue(count.intValue() > 0, type + " is not counted: " + page.textContent("#cluster-totals"));
            }
            // Every agent the master has is shown by its host and port, with what ran there.
            List<String> hosts = cluster.activeAgents().stream().map(RealCluster.Agent::address).toList();
            String agents = page.textContent("#agents");
            for (String host : hosts) assertTrue(agents.contains(host), host + " missing from: " + agents);
            assertTrue(agents.contains("render") && agents.contains("finished"), agents);
            assertTrue(page.textContent("#glossary").contains("an agent has free CPUs and memory"), page.textContent("#glossary"));

            int pages = JsonParser.parseString(Files.readString(crawl.runDir().resolve("pages.json")))
                    .getAsJsonObject().getAsJsonArray("pages").size();
            assertEquals(pages, ((Number) page.evaluate("() => window.rendlerView.pageCount()")).intValue());
            page.screenshot(new Page.ScreenshotOptions().setPath(out.resolve("live-mesos.png")).setFullPage(true));

            crawl.interrupt();
            crawl.finish();
        }
    }
}
