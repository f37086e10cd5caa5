// Crawlee PlaywrightCrawler peer for bench/run.sh: crawl breadth-first from START_URL on the same
// host, and save one viewport-sized PNG per page until exactly BUDGET pages have a screenshot.
//
// Environment:
//   START_URL        first page (required)
//   OUT_DIR          where the PNGs go (required); a summary is printed as JSON on stdout
//   BUDGET           screenshots to take (default 300)
//   VIEWPORT         WxH (default 1280x800)
//   CHROMIUM         browser binary (default /usr/bin/chromium)
//   MAX_CONCURRENCY  cap for Crawlee's autoscaled pool (default: Crawlee's own default)
//
// Why not maxRequestsPerCrawl: Crawlee counts every handled request against it, failed ones and
// retries included, so it can stop short of the budget. Here the handler counts screenshots that
// were really written, links are admitted to the queue only while fewer than BUDGET + SLACK have
// been admitted (like Rendler's --max-pages admission), and the crawler is stopped at BUDGET.
import { PlaywrightCrawler, Configuration, log, LogLevel } from 'crawlee';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const startUrl = process.env.START_URL;
const outDir = process.env.OUT_DIR;
if (!startUrl || !outDir) {
    console.error('START_URL and OUT_DIR are required');
    process.exit(2);
}
const budget = Number(process.env.BUDGET ?? 300);
const slack = Number(process.env.SLACK ?? 30);
const [width, height] = (process.env.VIEWPORT ?? '1280x800').split('x').map(Number);
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
mkdirSync(outDir, { recursive: true });

// Keep Crawlee's request queue in memory: disk persistence is not what is being compared.
const config = new Configuration({ persistStorage: false, purgeOnStart: true });
log.setLevel(LogLevel.WARNING);

let reserved = 0;     // screenshots started and not failed
let done = 0;         // PNGs written
let failed = 0;       // requests that failed for good
let skipped = 0;      // handled after the budget was already reserved
let admitted = 1;     // unique URLs put in the queue (the start page included)
const started = Date.now();

const options = {
    launchContext: {
        launchOptions: {
            executablePath: chromium,
            headless: true,
            // Playwright already adds --no-sandbox (as root), --no-first-run,
            // --disable-background-networking, --disable-component-update and --disable-sync;
            // they are repeated here so both tools visibly get the same flags.
            args: [
                '--no-sandbox', '--disable-gpu', '--disable-quic',
                '--disable-background-networking', '--disable-component-update',
                '--disable-sync', '--no-first-run',
            ],
        },
    },
    // Fingerprint injection would pick a random screen size; both tools render at WxH.
    browserPoolOptions: { useFingerprints: false },
    preNavigationHooks: [
        async ({ page }) => {
            await page.setViewportSize({ width, height });
        },
    ],
    async requestHandler({ page, request, enqueueLinks }) {
        if (reserved >= budget) {
            skipped++;
            // Another page holds the last slot; if that one fails this request is needed, so
            // let it come back through Crawlee's retry instead of dropping it.
            if (done < budget) throw new Error('budget slot busy, retry later');
            return;
        }
        const slot = ++reserved;
        try {
            const file = path.join(outDir, `${String(slot).padStart(5, '0')}.png`);
            await page.screenshot({ path: file, type: 'png' });
        } catch (e) {
            reserved--;
            throw e;
        }
        done++;
        if (admitted < budget + slack) {
            const res = await enqueueLinks({ strategy: 'same-hostname' });
            admitted += res.processedRequests.filter((r) => !r.wasAlreadyPresent).length;
        }
        if (done >= budget) crawler.stop('budget reached');
    },
    failedRequestHandler({ request }) {
        failed++;
        console.error(`failed: ${request.url}: ${request.errorMessages.at(-1) ?? ''}`);
    },
};
if (process.env.MAX_CONCURRENCY) options.maxConcurrency = Number(process.env.MAX_CONCURRENCY);

const crawler = new PlaywrightCrawler(options, config);
await crawler.run([startUrl]);
console.log(JSON.stringify({
    tool: 'crawlee',
    screenshots: done,
    failed,
    skipped_after_budget: skipped,
    admitted,
    seconds: (Date.now() - started) / 1000,
}));
