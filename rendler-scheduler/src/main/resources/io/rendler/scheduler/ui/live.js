/* Rendler's live view: listens to the server's event stream (Server-Sent Events on /events) and
 * draws the crawl as it goes. Everything from the crawl (URLs, errors, agent names) is shown with
 * textContent, never as HTML. The graph itself is graph-view.js (RendlerGraph). */
(function () {
  'use strict';

  const $ = id => document.getElementById(id);
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  };

  const view = window.RendlerGraph.mount($('graph'), { screenshotBase: 'screenshots/', live: true });
  window.rendlerView = view;

  const pages = new Map();          // url -> page, as pages.json shapes it
  let samples = [];
  let settings = null;
  let lastProgress = null;
  let finished = false;
  /** What arrived, by event name: the tests read it, and so can a curious workshop. */
  const received = window.rendlerEvents = { total: 0 };

  // --- the stream ---

  const source = new EventSource('events');
  window.rendlerSource = source;
  const on = (name, handler) => source.addEventListener(name, event => {
    received[name] = (received[name] || 0) + 1;
    received.total++;
    handler(JSON.parse(event.data));
  });

  // After the end a broken stream usually means rendler has exited, but under --ui it may only have
  // dropped this browser (a slow link): the stream is tried a few times before the page says so.
  let failuresSinceOpen = 0;
  source.onopen = () => {
    failuresSinceOpen = 0;
    setState(finished ? 'finished' : 'live', finished ? 'finished' : 'live');
  };
  source.onerror = () => {
    failuresSinceOpen++;
    if (finished && (failuresSinceOpen >= 3 || source.readyState === EventSource.CLOSED)) {
      setState('finished', 'finished — rendler has exited');
      source.close();
      // Nothing serves the report any more; it is on disk.
      $('report-link').hidden = true;
      $('done-line').textContent += ' rendler has exited: report.html is in its output folder.';
    } else {
      setState(finished ? 'finished' : 'reconnecting', finished ? 'finished — reconnecting…' : 'reconnecting…');
    }
  };

  on('snapshot', snap => {
    settings = snap.settings;
    pages.clear();
    snap.pages.forEach(p => pages.set(p.url, p));
    // The snapshot's links are [from, to] indexes into its pages, to keep a big crawl's snapshot small.
    const links = snap.links.map(([from, to]) => ({ from: snap.pages[from].url, to: snap.pages[to].url }));
    view.setData({ pages: snap.pages, links });
    showSettings(snap.settings);
    samples = snap.samples.slice();
    drawChart();
    progress(snap.progress);
    if (snap.cluster) cluster(snap.cluster);
    $('activity').replaceChildren();
    if (snap.activity) activity(snap.activity);
    refreshFailures();
    if (snap.done) done(snap.done);
  });

  on('pages', list => {
    list.forEach(p => pages.set(p.url, p));
    view.upsertPages(list);
    if (list.some(failedPage)) refreshFailures();
  });

  on('links', list => view.addLinks(list));

  on('progress', progress);
  on('samples', list => { samples = samples.concat(list); drawChart(); });
  on('cluster', cluster);
  on('activity', activity);
  on('done', done);

  function setState(cls, text) {
    const state = $('state');
    state.className = 'state ' + cls;
    state.textContent = text;
  }

  // --- counters ---

  function progress(p) {
    lastProgress = p;
    $('c-admitted').textContent = p.admitted;
    $('c-crawled').textContent = p.crawled;
    $('c-rendered').textContent = settings && !settings.render ? '—' : p.rendered;
    $('c-failed').textContent = p.failed;
    $('c-in-flight').textContent = p.in_flight;
    $('c-queued').textContent = p.queued;
    $('c-links').textContent = p.links;
    elapsedBase = { millis: p.elapsed_millis, at: performance.now() };
    $('c-elapsed').textContent = seconds(p.elapsed_millis);
    if (settings && settings.backend === 'local') localBars(p);
  }

  // The clock keeps going between updates, from the server's elapsed time (not this machine's clock).
  let elapsedBase = null;
  setInterval(() => {
    if (elapsedBase && !finished) $('c-elapsed').textContent = seconds(elapsedBase.millis + performance.now() - elapsedBase.at);
  }, 1000);

  function seconds(ms) {
    const s = Math.round(ms / 1000);
    return s < 120 ? s + 's' : Math.floor(s / 60) + 'm' + String(s % 60).padStart(2, '0');
  }

  function showSettings(s) {
    const start = $('start-url');
    start.textContent = s.start_url;
    start.href = s.start_url;
    if (s.backend === 'local') {
      $('local-panel').hidden = false;
      $('local-line').textContent = 'local mode: ' + s.crawl_workers + ' crawl / ' + s.render_workers + ' render workers';
    } else {
      $('cluster-panel').hidden = false;
      $('activity-panel').hidden = false;
      $('cluster-line').textContent = 'master ' + s.master + ' — waiting for the cluster…';
    }
  }

  function localBars(p) {
    const bars = $('local-bars');
    bars.replaceChildren(
      bar('crawling', p.running_crawls, settings.crawl_workers),
      bar('rendering', p.running_renders, settings.render_workers));
  }

  function bar(label, used, total) {
    const row = el('div', 'bar-row');
    row.append(el('span', 'bar-label', label));
    const track = el('span', 'bar-track');
    for (let i = 0; i < total; i++) track.append(el('span', i < used ? 'slot busy' : 'slot'));
    row.append(track, el('span', 'bar-count', used + ' / ' + total));
    return row;
  }

  // --- throughput chart: pages per second, from the samples the server takes once a second ---

  function drawChart() {
    const svg = $('chart');
    const W = 400, H = 120, PAD = 4;
    svg.replaceChildren();
    if (samples.length < 2) return;
    const rates = key => {
      const out = [];
      for (let i = 1; i < samples.length; i++) {
        const back = Math.max(0, i - 3); // smooth over about 3 seconds
        const dt = (samples[i].millis - samples[back].millis) / 1000;
        out.push({ t: samples[i].millis, r: dt > 0 ? (samples[i][key] - samples[back][key]) / dt : 0 });
      }
      return out;
    };
    const crawled = rates('crawled');
    const rendered = settings && settings.render ? rates('rendered') : [];
    const tMax = samples[samples.length - 1].millis || 1;
    const rMax = Math.max(1, ...crawled.map(x => x.r), ...rendered.map(x => x.r));
    const ns = 'http://www.w3.org/2000/svg';
    for (const frac of [0.5, 1]) {
      const line = document.createElementNS(ns, 'line');
      const y = H - PAD - frac * (H - 2 * PAD);
      line.setAttribute('x1', 0); line.setAttribute('x2', W);
      line.setAttribute('y1', y); line.setAttribute('y2', y);
      line.setAttribute('class', 'grid');
      svg.append(line);
    }
    const path = (series, cls) => {
      if (!series.length) return;
      const poly = document.createElementNS(ns, 'polyline');
      poly.setAttribute('points', series.map(x =>
        (x.t / tMax * W).toFixed(1) + ',' + (H - PAD - x.r / rMax * (H - 2 * PAD)).toFixed(1)).join(' '));
      poly.setAttribute('class', cls);
      poly.setAttribute('vector-effect', 'non-scaling-stroke');
      svg.append(poly);
    };
    path(crawled, 'crawled');
    path(rendered, 'rendered');
    $('chart-max').textContent = 'top line: ' + rMax.toFixed(1) + ' pages/s, over ' + seconds(tMax);
  }

  // --- the selected page: the graph's own details panel shows it ---

  window.rendlerLive = { select: url => view.select(url) };

  function refreshFailures() {
    const failed = [...pages.values()].filter(failedPage);
    $('failures-panel').hidden = failed.length === 0;
    const list = $('failures');
    list.replaceChildren(...failed.slice(-30).reverse().map(p => {
      const item = el('li', 'failure');
      const url = el('a', 'url', shortUrl(p.url));
      url.href = '#';
      url.addEventListener('click', e => { e.preventDefault(); view.select(p.url); });
      item.append(url, el('span', 'reason', p.error));
      return item;
    }));
  }

  function failedPage(p) {
    return p.status === 'CRAWL_FAILED' || p.status === 'RENDER_FAILED';
  }

  function shortUrl(url) {
    try {
      const u = new URL(url);
      return settings && settings.start_url && url.startsWith(new URL(settings.start_url).origin)
        ? (u.pathname + u.search) : url;
    } catch (e) {
      return url;
    }
  }

  // --- the Mesos cluster, under --master ---

  const GLOSSARY = {
    SUBSCRIBE: 'rendler registers with the master as a framework.',
    SUBSCRIBED: 'the master accepted rendler and gave it a framework id.',
    HEARTBEAT: 'the master says “still here” every few seconds.',
    OFFERS: 'an agent has free CPUs and memory, and the master offers them to rendler.',
    ACCEPT: 'rendler uses an offer: it launches tasks in it (a crawl or a render of one page).',
    DECLINE: 'rendler has no work for an offer and hands it back for a while.',
    UPDATE: 'a task changed state: starting, running, finished, failed…',
    ACKNOWLEDGE: 'rendler confirms it got a status update, so the agent stops resending it.',
    MESSAGE: 'an executor sends a task’s result (the page’s links, or its screenshot’s name).',
    RECONCILE: 'rendler asks the master for the true state of its tasks, e.g. after a restart.',
    SUPPRESS: 'rendler has no work queued: it asks the master to stop sending offers.',
    REVIVE: 'new pages to do: rendler asks for offers again.',
    KILL: 'rendler asks for a task to be stopped.',
    FAILURE: 'an executor (or agent) went away.',
    TEARDOWN: 'the crawl is over: rendler unregisters and its executors shut down.',
    ERROR: 'the master reports an error.'
  };
  const seenTypes = new Set();

  function cluster(c) {
    $('cluster-panel').hidden = false;
    $('activity-panel').hidden = false;
    $('cluster-line').textContent = 'master ' + c.master + ' — ' + c.state
      + (c.framework_id ? ', framework ' + c.framework_id : '') + (c.suppressed ? ' — offers suppressed' : '');
    const totals = $('cluster-totals');
    const order = Object.keys(GLOSSARY);
    const rank = type => (order.indexOf(type) + 1) || order.length + 1;
    const entries = Object.entries(c.totals || {}).sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
    totals.replaceChildren(...entries.map(([type, n]) => {
      const chip = el('span', 'chip type-' + type.toLowerCase());
      chip.append(el('b', null, n), document.createTextNode(' ' + type));
      chip.title = GLOSSARY[type] || '';
      return chip;
    }));
    const agents = $('agents');
    agents.replaceChildren(...(c.agents || []).map(agent));
  }

  function agent(a) {
    const box = el('div', 'agent');
    box.append(el('div', 'agent-name', a.hostname || a.id));
    const offer = Object.entries(a.last_offer || {}).sort((x, y) => (x[0] === 'cpus' ? -1 : y[0] === 'cpus' ? 1 : 0))
      .map(([k, v]) => (k === 'mem' ? (v >= 1024 ? (v / 1024).toFixed(1) + ' GB' : Math.round(v) + ' MB')
        : k === 'disk' ? Math.round(v) + ' MB disk' : v + ' ' + k)).join(', ');
    box.append(el('div', 'agent-line', a.offers + ' offers (' + a.declined + ' declined); latest: ' + (offer || '—')));
    const launched = Object.entries(a.launched || {}).map(([k, v]) => v + ' ' + k).join(', ');
    box.append(el('div', 'agent-line', 'launched: ' + (launched || 'nothing yet')));
    for (const [kind, states] of Object.entries(a.tasks || {})) {
      const row = el('div', 'agent-tasks');
      row.append(el('span', 'kind', kind));
      for (const [state, n] of Object.entries(states)) {
        row.append(el('span', 'chip state-' + state.toLowerCase(), n + ' ' + state.replace('TASK_', '').toLowerCase()));
      }
      box.append(row);
    }
    return box;
  }

  function activity(list) {
    const log = $('activity');
    for (const a of list) {
      const item = el('li', 'act ' + (a.direction === 'out' ? 'out' : 'in'));
      item.append(el('span', 'arrow', a.direction === 'out' ? 'rendler →' : '→ rendler'),
        el('span', 'chip type-' + String(a.type).toLowerCase(), a.type),
        el('span', 'text', a.text));
      item.title = new Date(a.at_millis).toLocaleTimeString() + (GLOSSARY[a.type] ? ' — ' + GLOSSARY[a.type] : '');
      log.prepend(item);
      if (!seenTypes.has(a.type) && GLOSSARY[a.type]) {
        seenTypes.add(a.type);
        $('glossary').append(el('dt', null, a.type), el('dd', null, GLOSSARY[a.type]));
      }
    }
    while (log.children.length > 80) log.lastChild.remove();
    const latest = list[list.length - 1];
    if (latest && GLOSSARY[latest.type]) $('latest-note').textContent = latest.type + ': ' + GLOSSARY[latest.type];
  }

  // --- the end ---

  function done(d) {
    finished = true;
    setState('finished', 'finished');
    $('start-verb').textContent = 'crawled';
    const s = d.summary;
    $('c-crawled').textContent = s.crawled;
    $('c-rendered').textContent = settings && !settings.render ? '—' : s.rendered;
    $('c-failed').textContent = s.failed;
    $('c-links').textContent = s.edges;
    $('c-elapsed').textContent = seconds(s.elapsed_millis);
    $('c-in-flight').textContent = 0;
    $('done').hidden = false;
    $('done-line').textContent = s.crawled + ' crawled, ' + s.rendered + ' rendered, ' + s.failed + ' failed, '
      + s.edges + ' links in ' + (s.elapsed_millis / 1000).toFixed(1) + 's (' + s.stop_reason + ').';
    $('report-link').hidden = !d.report;
    if (d.report) $('report-link').href = d.report;
  }

})();
