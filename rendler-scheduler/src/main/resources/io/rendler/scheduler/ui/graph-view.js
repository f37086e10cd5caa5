/*
 * graph-view.js: rendler's interactive link graph, drawn with Cytoscape.js (which must be loaded
 * first, as the global `cytoscape`). Shared by report.html and the live view; works from file://.
 *
 *   const view = RendlerGraph.mount(element, {
 *     screenshotBase: 'screenshots/',  // prefix for a page's `screenshot` file name
 *     live: false,                     // true: data arrives over time; re-layout gently (throttled,
 *                                      // keeping the user's zoom/pan once they have touched it)
 *   });
 *   view.setData({pages: [...], links: [...]});  // replaces everything
 *   view.upsertPages([page, ...]);  // add pages or update existing ones by url
 *   view.addLinks([{from, to}, ...]); // links between pages already given (others are ignored)
 *   view.on('select', page => {});   // a node was clicked (page object, or null when deselected)
 *   view.on('ready', () => {});      // (addition) the first drawing is on screen
 *   view.select(url); view.search(text) // returns the number of matches and highlights them
 *   view.fit();
 *   view.pageCount();                // nodes known (for tests)
 *   view.isShown(url);               // (addition) the page is drawn, not folded into a group
 *   view.nodeOf(url);                // (addition) its Cytoscape node, or null when not drawn
 *   view.cy;                         // (addition) the Cytoscape instance, for tests
 *
 * `element` gets the class rg-root (graph-view.css gives it a height of 86vh, which a page may
 * override) and, once the first drawing is on screen, the attribute data-ready="true". The details
 * panel takes room only while a page is selected.
 *
 * Pages have the shape of pages.json's `pages` entries (snake_case). Everything in them came from
 * the crawl and is untrusted: it only ever reaches the DOM as textContent, and only http(s) URLs
 * become links.
 *
 * The drawing is the discovery tree (a page's parent is the first page one level shallower that
 * links to it, in link order), laid out radially on ellipses as wide as the canvas, with wedges in
 * proportion to what each subtree needs and a page's leaf children packed in a few rows. Tree edges
 * are faint; a selected page's own links, out (orange) and in (blue), are drawn on top. Above
 * GROUP_THRESHOLD pages whole levels of the tree are shown while they fit NODE_BUDGET, and the rest
 * folds into "+N pages" group nodes that open on click (a search opens its matches' groups).
 * Screenshot thumbnails are drawn on nodes only when that is cheap: all of them when few, else only
 * those in view once zoomed in, at most THUMB_CAP at a time (each decoded PNG costs ~4 MB).
 */
(function (global) {
  'use strict';

  var GROUP_THRESHOLD = 2000;   // pages above which the tree is folded into groups
  var NODE_BUDGET = 1200;       // drawn nodes (pages and groups) when folded
  var CHILD_CAP = 60;           // children shown per page when folded; the rest is one group
  var REVEAL_CAP = 20;          // search matches opened up to in folded mode
  var THUMB_CAP = 120;          // thumbnails drawn at once
  var THUMB_MIN_PX = 36;        // on-screen node width from which thumbnails are worth drawing
  var LIVE_DELAY_MS = 700;      // live mode: at most one re-layout per this
  var NODE_W = 96, NODE_H = 60; // a page node: a 16:10 card like the screenshots
  var STATUSES = ['RENDERED', 'CRAWLED', 'RENDER_FAILED', 'CRAWL_FAILED', 'NOT_HTML', 'REDIRECTED',
    'SKIPPED_ROBOTS', 'UNFINISHED'];
  var COLORS = {
    RENDERED: ['#3182ce', '#2b6cb0'], CRAWLED: ['#63b3ed', '#2c5282'],
    RENDER_FAILED: ['#f6ad55', '#c05621'], CRAWL_FAILED: ['#fc8181', '#c53030'],
    NOT_HTML: ['#cbd5e0', '#4a5568'], REDIRECTED: ['#ffffff', '#718096'],
    SKIPPED_ROBOTS: ['#e2e8f0', '#4a5568'], UNFINISHED: ['#f7fafc', '#a0aec0']
  };

  function words(status) { return String(status || 'UNFINISHED').toLowerCase().replace(/_/g, ' '); }
  function isHttp(url) { return typeof url === 'string' && /^https?:\/\//i.test(url); }
  function safeShot(name) {
    return typeof name === 'string' && /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/.test(name) ? name : null;
  }
  function isFailed(p) { return p.status === 'CRAWL_FAILED' || p.status === 'RENDER_FAILED'; }

  /** The part after the host, cut from the front to `max` characters. */
  function shortPath(url, max) {
    var m = /^[a-z][a-z0-9+.-]*:\/\/[^\/]*(.*)$/i.exec(url);
    var path = m ? (m[1] || '/') : url;
    return path.length <= max ? path : '\u2026' + path.slice(path.length - max + 1);
  }

  /** A node's label: the last path segment (an index page by its folder), and for a failure its reason. */
  function label(p) {
    var path = shortPath(p.url, 1000).replace(/[?#].*$/, '');
    var segs = path.split('/').filter(function (s) { return s; });
    var name = segs.length ? segs[segs.length - 1] : '/';
    if (/^index\.html?$/i.test(name)) name = segs.length > 1 ? segs[segs.length - 2] + '/' : '/';
    else if (/\.html?$/i.test(name)) name = name.replace(/\.html?$/i, '');
    else if (path.charAt(path.length - 1) === '/' && segs.length) name += '/';
    try { name = decodeURIComponent(name); } catch (e) { /* keep it as it is */ }
    var max = isFailed(p) ? 11 : 18;
    if (name.length > max) name = name.slice(0, max - 1) + '\u2026';
    // Cytoscape may wrap a long name after - _ or . (a failure's short name stays on its line).
    if (!isFailed(p)) name = name.replace(/([-_.])/g, '$1\u200b');
    if (p.status === 'CRAWL_FAILED') return '\u2715' + name + '\n' + (p.http_status > 0 ? 'HTTP ' + p.http_status : 'crawl failed');
    if (p.status === 'RENDER_FAILED') return '\u2715' + name + '\nrender failed';
    return name;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function throttle(fn, ms) {
    var timer = null;
    return function () {
      if (timer) return;
      timer = setTimeout(function () { timer = null; fn(); }, ms);
    };
  }

  function mount(element, options) {
    options = options || {};
    var screenshotBase = options.screenshotBase == null ? 'screenshots/' : String(options.screenshotBase);
    var live = !!options.live;
    var handlers = {select: [], ready: []};

    // ---- the model: pages by index, links as adjacency lists
    var pages = [];          // page objects, in the order first given
    var index = new Map();   // url -> index
    var outs = [], ins = []; // index -> [index]
    var linkKeys = new Set();
    var linkOrder = [];      // [from, to] in discovery order, for the tree

    // ---- the view state, kept across re-layouts
    var expanded = new Set();   // pages the user opened (folded mode)
    var childLimit = new Map(); // page index -> children shown (folded mode)
    var pinned = new Set();     // pages revealed by search or select (their ancestors open)
    var selected = -1;
    var matches = null;         // Set of indexes matching the search, or null
    var userMoved = false, readyFired = false;
    var edgeWidth = 1, fontSize = 15;

    // ---- the DOM
    element.classList.add('rg-root');
    var toolbar = el('div', 'rg-toolbar');
    var searchBox = el('input', 'rg-search');
    searchBox.type = 'search';
    searchBox.placeholder = 'Search URLs\u2026';
    searchBox.setAttribute('aria-label', 'Search pages by URL');
    var searchCount = el('span', 'rg-count');
    var fitButton = el('button', 'rg-fit', 'Fit');
    fitButton.type = 'button';
    var legend = el('div', 'rg-legend');
    toolbar.append(searchBox, searchCount, fitButton, legend);
    var body = el('div', 'rg-body');
    var canvas = el('div', 'rg-canvas');
    var details = el('aside', 'rg-details');
    var note = el('div', 'rg-note');
    canvas.appendChild(note);
    body.append(canvas, details);
    var tip = el('div', 'rg-tip');
    tip.hidden = true;
    element.append(toolbar, body, tip);
    showDetails(null);

    var cy = cytoscape({
      container: canvas,
      elements: [],
      style: graphStyle(),
      layout: {name: 'preset'},
      minZoom: 0.02,
      maxZoom: 4,
      boxSelectionEnabled: false,
      autoungrabify: true,
      autounselectify: true,
      textureOnViewport: false,
      hideEdgesOnViewport: false
    });

    // The user has moved the view once they zoom or drag (a click is not a move).
    var pressedAt = null;
    canvas.addEventListener('wheel', function () { userMoved = true; }, {passive: true});
    canvas.addEventListener('touchmove', function () { userMoved = true; }, {passive: true});
    canvas.addEventListener('mousedown', function (e) { pressedAt = [e.clientX, e.clientY]; });
    canvas.addEventListener('mousemove', function (e) {
      if (pressedAt && e.buttons && Math.abs(e.clientX - pressedAt[0]) + Math.abs(e.clientY - pressedAt[1]) > 4) userMoved = true;
    });
    window.addEventListener('mouseup', function () { pressedAt = null; });

    cy.on('tap', 'node', function (evt) {
      var n = evt.target;
      if (n.data('group') != null) openGroup(n.data('owner'), n.data('kind'));
      else selectIndex(n.data('i'), false);
    });
    cy.on('tap', function (evt) { if (evt.target === cy) selectIndex(-1, false); });
    cy.on('mouseover', 'node', function (evt) {
      var n = evt.target, text;
      if (n.data('group') != null) text = n.data('label') + ' \u2014 click to show them';
      else {
        var p = pages[n.data('i')];
        text = p.url + '\n' + words(p.status) + (p.error ? ': ' + p.error : '');
      }
      tip.textContent = text;
      tip.hidden = false;
      placeTip(evt);
    });
    function placeTip(evt) {
      if (tip.hidden || !evt.originalEvent) return;
      var r = element.getBoundingClientRect();
      tip.style.left = Math.min(evt.originalEvent.clientX - r.left + 14, r.width - 200) + 'px';
      tip.style.top = (evt.originalEvent.clientY - r.top + 18) + 'px';
    }
    cy.on('mousemove', placeTip);
    cy.on('mouseout', 'node', function () { tip.hidden = true; });
    cy.on('tap viewport', function () { tip.hidden = true; });
    cy.on('viewport', throttle(updateThumbs, 150));
    // Tree edges keep about a screen pixel of width however far out the user zooms, and labels
    // about 11 screen pixels down to half size (beyond that they shrink and then disappear).
    function updateEdgeWidth() {
      var w = Math.min(Math.max(1 / cy.zoom(), 1), 16);
      var f = Math.min(Math.max(11 / cy.zoom(), 15), 22);
      if (Math.abs(w - edgeWidth) / edgeWidth < 0.2 && Math.abs(f - fontSize) / fontSize < 0.1) return;
      edgeWidth = w;
      fontSize = f;
      cy.style(graphStyle());
    }
    cy.on('zoom', throttle(updateEdgeWidth, 120));

    searchBox.addEventListener('input', throttle(function () { search(searchBox.value); }, 200));
    searchBox.addEventListener('keydown', function (e) {
      if (e.key !== 'Enter') return;
      var n = search(searchBox.value);
      if (n > 0) selectIndex(matches.values().next().value, true);
    });
    fitButton.addEventListener('click', function () { fit(); });

    // ---- data in

    function addPage(p) {
      if (!p || typeof p.url !== 'string') return false;
      var i = index.get(p.url);
      if (i === undefined) {
        index.set(p.url, pages.length);
        pages.push(p);
        outs.push([]);
        ins.push([]);
        return true;
      }
      pages[i] = p;
      return false;
    }

    function addLink(l) {
      if (!l) return;
      var a = index.get(l.from), b = index.get(l.to);
      if (a === undefined || b === undefined || a === b) return;
      var key = a + ' ' + b;
      if (linkKeys.has(key)) return;
      linkKeys.add(key);
      outs[a].push(b);
      ins[b].push(a);
      linkOrder.push(a, b);
    }

    function setData(data) {
      pages = []; index = new Map(); outs = []; ins = []; linkKeys = new Set(); linkOrder = [];
      expanded = new Set(); childLimit = new Map(); pinned = new Set(); selected = -1; matches = null;
      ((data && data.pages) || []).forEach(addPage);
      ((data && data.links) || []).forEach(addLink);
      cy.elements().remove();
      refresh(true);
      showDetails(null);
    }

    var liveRefresh = throttle(function () { refresh(false); }, LIVE_DELAY_MS);
    function changed() { if (live) liveRefresh(); else refresh(false); }

    function upsertPages(list) {
      // The panel is rebuilt only when the selected page itself changed: rebuilt on every live update,
      // it would jump back to its top and lose clicks several times a second.
      var before = selected >= 0 ? JSON.stringify(pages[selected]) : null;
      (list || []).forEach(addPage);
      if (selected >= 0 && JSON.stringify(pages[selected]) !== before) showDetails(selected);
      changed();
    }

    function addLinks(list) {
      (list || []).forEach(addLink);
      changed();
    }

    // ---- the discovery tree and what of it is shown

    var tree = null; // {parent, children, size, roots}

    function buildTree() {
      var n = pages.length, parent = new Int32Array(n).fill(-1);
      for (var k = 0; k < linkOrder.length; k += 2) {
        var a = linkOrder[k], b = linkOrder[k + 1];
        if (parent[b] === -1 && pages[a].depth === pages[b].depth - 1) parent[b] = a;
      }
      // A page with no link from one level up (a partial run, a live view): hang it under any
      // shallower page that links to it.
      for (k = 0; k < linkOrder.length; k += 2) {
        a = linkOrder[k]; b = linkOrder[k + 1];
        if (parent[b] === -1 && pages[b].depth > 0 && pages[a].depth < pages[b].depth) parent[b] = a;
      }
      // Whatever is still loose (a page whose link has not arrived yet) hangs from the start page.
      var root = -1;
      for (var i = 0; i < n && root < 0; i++) if (pages[i].depth === 0) root = i;
      if (root < 0 && n) root = 0;
      if (root >= 0) parent[root] = -1; // parents are always shallower, so no cycle can form
      for (i = 0; i < n; i++) if (parent[i] === -1 && i !== root) parent[i] = root;
      var children = [], roots = [];
      for (i = 0; i < n; i++) children.push([]);
      for (i = 0; i < n; i++) (parent[i] >= 0 ? children[parent[i]] : roots).push(i);
      // sizes, children before parents: order pages by depth, deepest first
      var order = bfs(roots, children), size = new Int32Array(n).fill(1);
      for (k = order.length - 1; k >= 0; k--) if (parent[order[k]] >= 0) size[parent[order[k]]] += size[order[k]];
      return {parent: parent, children: children, size: size, roots: roots, order: order};
    }

    function bfs(roots, children) {
      var order = roots.slice();
      for (var k = 0; k < order.length; k++) {
        var c = children[order[k]];
        for (var j = 0; j < c.length; j++) order.push(c[j]);
      }
      return order;
    }

    var folded = false;

    /**
     * The drawn tree: page items and group items. In folded mode a page is open when the user opened
     * it, when a pinned page is below it, or when breadth-first it still fits the budget.
     */
    function visibleTree() {
      var n = pages.length, open = new Uint8Array(n), forced = new Uint8Array(n), onPinPath = new Uint8Array(n);
      folded = n > GROUP_THRESHOLD;
      var items = []; // {i} for pages, {group, owner, kind, count} for groups
      var itemChildren = [];
      if (!folded) open.fill(1);
      else {
        pinned.forEach(function (i) {
          onPinPath[i] = 1;
          for (var a = tree.parent[i]; a >= 0 && !forced[a]; a = tree.parent[a]) { forced[a] = 1; onPinPath[a] = 1; }
        });
        expanded.forEach(function (i) { forced[i] = 1; });
        // Whole levels at a time while they fit the budget, so the drawing stays balanced; below
        // that only what the user opened or a search revealed.
        var budget = NODE_BUDGET - tree.roots.length, auto = true, frontier = tree.roots.slice();
        while (frontier.length) {
          var cost = 0, next = [];
          frontier.forEach(function (i) {
            var c = tree.children[i].length;
            if (c) cost += Math.min(c, limitOf(i)) + 1;
          });
          auto = auto && cost <= budget;
          if (auto) budget -= cost;
          frontier.forEach(function (i) {
            var kids = tree.children[i];
            if (!kids.length || !(auto || forced[i])) return;
            open[i] = 1;
            for (var j = 0; j < kids.length; j++) if (j < limitOf(i) || onPinPath[kids[j]]) next.push(kids[j]);
          });
          frontier = next;
        }
      }
      function addItem(item, parentItem) {
        items.push(item);
        itemChildren.push([]);
        if (parentItem >= 0) itemChildren[parentItem].push(items.length - 1);
        return items.length - 1;
      }
      var itemOf = new Int32Array(n).fill(-1);
      var queue = [];
      tree.roots.forEach(function (r) { itemOf[r] = addItem({i: r}, -1); queue.push(r); });
      for (var q = 0; q < queue.length; q++) {
        var i = queue[q], kids = tree.children[i], me = itemOf[i];
        if (!kids.length) continue;
        if (!open[i]) {
          addItem({group: true, owner: i, kind: 'all', count: tree.size[i] - 1}, me);
          continue;
        }
        var limit = folded ? limitOf(i) : Infinity, hidden = 0;
        for (var j = 0; j < kids.length; j++) {
          var ch = kids[j];
          if (j < limit || onPinPath[ch]) {
            itemOf[ch] = addItem({i: ch}, me);
            queue.push(ch);
          } else hidden += tree.size[ch];
        }
        if (hidden) addItem({group: true, owner: i, kind: 'more', count: hidden}, me);
      }
      return {items: items, children: itemChildren, itemOf: itemOf, roots: tree.roots.map(function (r) { return itemOf[r]; })};
    }

    function limitOf(i) { return childLimit.get(i) || CHILD_CAP; }

    /**
     * Radial positions on ellipses as wide as the canvas. Each node gets a wedge in proportion to
     * what it and its subtree need: room for a node on each ring below. A page's leaf children are
     * packed in a block of a few rows rather than spread along one ring, so a page with 300 links
     * out makes a patch, not a circle. Each ring is pushed out only as far as its own nodes need.
     * O(nodes) per pass, three passes.
     */
    function radialLayout(vt) {
      var m = vt.items.length, kids = vt.children, k, j, r;
      var order = bfs(vt.roots, kids);
      var single = vt.roots.length === 1;
      var ring = new Int32Array(m), maxRing = 0, isRoot = new Uint8Array(m);
      vt.roots.forEach(function (it) { ring[it] = single ? 0 : 1; isRoot[it] = 1; });
      order.forEach(function (it) { kids[it].forEach(function (c) { ring[c] = ring[it] + 1; }); });
      for (k = 0; k < m; k++) maxRing = Math.max(maxRing, ring[k]);
      // Per parent: its leaf children (a block of rows x cols) and the rest (branches).
      var leavesOf = new Array(m), branchesOf = new Array(m), rows = new Int32Array(m), cols = new Int32Array(m);
      var maxRows = new Int32Array(maxRing + 2).fill(1);
      for (k = 0; k < m; k++) {
        var leaves = [], branches = [];
        kids[k].forEach(function (c) { (kids[c].length ? branches : leaves).push(c); });
        leavesOf[k] = leaves;
        branchesOf[k] = branches;
        if (leaves.length) {
          rows[k] = leaves.length < 5 ? 1 : Math.min(12, Math.ceil(Math.sqrt(leaves.length / 2.5)));
          cols[k] = Math.ceil(leaves.length / rows[k]);
          maxRows[ring[k] + 1] = Math.max(maxRows[ring[k] + 1], rows[k]);
        }
      }
      var w = canvas.clientWidth, h = canvas.clientHeight;
      var aspect = w > 0 && h > 0 ? Math.min(Math.max(w / h, 1), 2.2) : 1.6;
      var sepX = NODE_W + 60, sepY = NODE_H + 34, step = NODE_H + 44;
      var rowGap = Math.max(sepY, sepX / aspect);
      var radius = [0];
      for (r = 1; r <= maxRing; r++) radius[r] = radius[r - 1] + (r > 1 ? (maxRows[r - 1] - 1) * rowGap : 0) + step;
      var theta = new Float64Array(m), blockTheta = new Float64Array(m), need = new Float64Array(m);
      var blockNeed = new Float64Array(m), start = new Float64Array(m), span = new Float64Array(m);
      var blockStart = new Float64Array(m), blockSpan = new Float64Array(m), known = false;
      // The angle one node at angle t on ring rr needs so that its neighbours' boxes do not overlap.
      function slot(rr, t) {
        if (rr <= 0) return 0;
        if (!known) return sepX / rr;
        var tx = -aspect * Math.sin(t), ty = Math.cos(t), speed = Math.sqrt(tx * tx + ty * ty);
        var ux = Math.abs(tx / speed), uy = Math.abs(ty / speed);
        var dist = Math.min(ux > 1e-6 ? sepX / ux : Infinity, uy > 1e-6 ? sepY / uy : Infinity);
        return dist / (rr * speed);
      }
      function allocate() {
        for (k = order.length - 1; k >= 0; k--) {
          var it = order[k], b = branchesOf[it], sum = 0;
          blockNeed[it] = leavesOf[it].length ? cols[it] * slot(radius[ring[it] + 1], blockTheta[it]) : 0;
          for (j = 0; j < b.length; j++) sum += need[b[j]];
          need[it] = Math.max(slot(radius[ring[it]], theta[it]), sum + blockNeed[it]);
        }
        var total = 0, angle = -Math.PI / 2;
        if (single) total = need[vt.roots[0]];
        else vt.roots.forEach(function (t) { total += need[t] + 0; });
        if (single) { start[vt.roots[0]] = angle; span[vt.roots[0]] = 2 * Math.PI; }
        else vt.roots.forEach(function (t) {
          span[t] = total > 0 ? 2 * Math.PI * need[t] / total : 2 * Math.PI / vt.roots.length;
          start[t] = angle;
          angle += span[t];
        });
        order.forEach(function (it) {
          var b = branchesOf[it], sum = blockNeed[it], a = start[it], parts = b.length + (leavesOf[it].length ? 1 : 0);
          if (!parts) return;
          for (j = 0; j < b.length; j++) sum += need[b[j]];
          // The leaf block sits in the middle of the wedge, the branches either side.
          var half = Math.floor(b.length / 2);
          for (j = 0; j <= b.length; j++) {
            if (j === half && leavesOf[it].length) {
              blockSpan[it] = sum > 0 ? span[it] * blockNeed[it] / sum : span[it] / parts;
              blockStart[it] = a;
              a += blockSpan[it];
            }
            if (j === b.length) break;
            span[b[j]] = sum > 0 ? span[it] * need[b[j]] / sum : span[it] / parts;
            start[b[j]] = a;
            a += span[b[j]];
          }
          var lv = leavesOf[it];
          for (j = 0; j < lv.length; j++) {
            var col = Math.floor(j / rows[it]);
            theta[lv[j]] = blockStart[it] + (col + 0.5) * blockSpan[it] / cols[it];
          }
          blockTheta[it] = blockStart[it] + blockSpan[it] / 2;
        });
        for (k = 0; k < m; k++) if ((kids[k].length || isRoot[k]) && ring[k] > 0) theta[k] = start[k] + span[k] / 2;
        return total;
      }
      for (var pass = 0; pass < 3; pass++) {
        allocate();
        known = true;
        // A ring whose own nodes need more than a full turn moves out; rings stay a step apart.
        var perRing = new Float64Array(maxRing + 2);
        for (k = 0; k < m; k++) {
          if ((kids[k].length || isRoot[k]) && ring[k] > 0) perRing[ring[k]] += slot(radius[ring[k]], theta[k]);
          if (leavesOf[k].length) perRing[ring[k] + 1] += blockNeed[k];
        }
        for (r = 1; r <= maxRing; r++) {
          var grown = perRing[r] > 2 * Math.PI ? radius[r] * perRing[r] / (2 * Math.PI) : radius[r];
          radius[r] = Math.max(grown, radius[r - 1] + (r > 1 ? (maxRows[r - 1] - 1) * rowGap : 0) + step);
        }
        // Subtrees mixing rings can still need more than a turn in all: scale everything out.
        var total = allocate();
        if (total > 2 * Math.PI) for (r = 1; r <= maxRing; r++) radius[r] *= total / (2 * Math.PI);
      }
      allocate();
      var pos = new Array(m), rowOf = new Int32Array(m);
      for (k = 0; k < m; k++) leavesOf[k].forEach(function (c, idx) { rowOf[c] = idx % rows[k]; });
      for (k = 0; k < m; k++) {
        var rr = radius[ring[k]] + rowOf[k] * rowGap;
        if (single && ring[k] === 0) { pos[k] = {x: 0, y: 0}; continue; }
        pos[k] = {x: aspect * rr * Math.cos(theta[k]), y: rr * Math.sin(theta[k])};
      }
      return pos;
    }

    // ---- drawing

    function refresh(first) {
      tree = buildTree();
      var vt = visibleTree(), pos = radialLayout(vt);
      var wanted = new Map(); // id -> element definition
      vt.items.forEach(function (item, it) {
        var id, data;
        if (item.group) {
          id = 'g' + item.owner + item.kind;
          data = {id: id, group: true, owner: item.owner, kind: item.kind,
            label: '+' + item.count + (item.count === 1 ? ' page' : ' pages')};
          data.w = 16 + 9 * data.label.length;
        } else {
          var p = pages[item.i];
          id = 'p' + item.i;
          data = {id: id, i: item.i, label: label(p), status: String(p.status || 'UNFINISHED'),
            failed: isFailed(p) ? 1 : 0};
        }
        wanted.set(id, {group: 'nodes', data: data, position: pos[it]});
        vt.children[it].forEach(function (c) {
          var child = vt.items[c];
          var cid = child.group ? 'g' + child.owner + child.kind : 'p' + child.i;
          // The id names both ends: when a live page gets a new parent, its old edge goes.
          var eid = 't' + id + '>' + cid;
          wanted.set(eid, {group: 'edges', data: {id: eid, source: id, target: cid, tree: 1}});
        });
      });
      cy.batch(function () {
        cy.elements('[tree], node').forEach(function (e) {
          if (!wanted.has(e.id())) e.remove();
        });
        var add = [];
        wanted.forEach(function (def, id) {
          var e = cy.getElementById(id);
          if (e.empty()) { add.push(def); return; }
          if (def.group === 'nodes') {
            var d = def.data;
            ['label', 'status', 'failed', 'w'].forEach(function (key) {
              if (d[key] !== undefined && e.data(key) !== d[key]) e.data(key, d[key]);
            });
            e.position(def.position);
          }
        });
        cy.add(add.filter(function (d) { return d.group === 'nodes'; }));
        cy.add(add.filter(function (d) { return d.group === 'edges'; }));
      });
      drawSelection();
      markMatches();
      updateLegend();
      if (first || !userMoved) cy.fit(undefined, 30);
      note.textContent = (folded ? pages.length + ' pages: the tree is shown down to ' + vt.items.length
        + ' nodes; click a \u201c+N pages\u201d node to open it. ' : '')
        + 'Click a page for its screenshot, status and links; drag to pan, scroll to zoom.';
      updateThumbs();
      updateEdgeWidth();
      if (!readyFired) {
        readyFired = true;
        requestAnimationFrame(function () {
          requestAnimationFrame(function () {
            element.setAttribute('data-ready', 'true');
            handlers.ready.forEach(function (h) { h(); });
          });
        });
      }
    }

    /** Thumbnails where they are cheap: all when few, else those in view once nodes are big enough. */
    function updateThumbs() {
      var shots = cy.nodes('[i]').filter(function (n) { return safeShot(pages[n.data('i')].screenshot); });
      var want;
      if (shots.length <= THUMB_CAP) want = shots;
      else if (cy.zoom() * NODE_W < THUMB_MIN_PX) want = cy.collection();
      else {
        var ext = cy.extent();
        want = shots.filter(function (n) {
          var p = n.position();
          return p.x > ext.x1 - NODE_W && p.x < ext.x2 + NODE_W && p.y > ext.y1 - NODE_H && p.y < ext.y2 + NODE_H;
        }).slice(0, THUMB_CAP);
      }
      var keep = new Set(want.map(function (n) { return n.id(); }));
      cy.batch(function () {
        cy.nodes('[thumb]').forEach(function (n) { if (!keep.has(n.id())) n.removeData('thumb'); });
        want.forEach(function (n) {
          var src = screenshotBase + safeShot(pages[n.data('i')].screenshot);
          if (n.data('thumb') !== src) n.data('thumb', src);
        });
      });
    }

    function graphStyle() {
      var s = [
        {selector: 'node', style: {
          'shape': 'round-rectangle', 'width': NODE_W, 'height': NODE_H, 'corner-radius': 4,
          'background-color': '#cbd5e0', 'border-width': 2, 'border-color': '#4a5568',
          'label': 'data(label)', 'font-size': fontSize, 'color': '#1a202c', 'text-valign': 'bottom',
          'text-margin-y': 3, 'text-wrap': 'wrap', 'text-max-width': NODE_W + 56,
          'text-background-color': '#ffffff', 'text-background-opacity': 0.75, 'text-background-padding': 1,
          'min-zoomed-font-size': 7
        }},
        {selector: 'node[thumb]', style: {
          'background-image': 'data(thumb)', 'background-fit': 'cover', 'background-clip': 'node',
          'background-position-y': '0%', 'background-image-crossorigin': 'null',
          'background-image-containment': 'inside', 'border-width': 3
        }},
        {selector: 'node[failed = 1]', style: {'border-width': 4, 'color': '#9b2c2c', 'font-weight': 'bold'}},
        {selector: 'node[status = "REDIRECTED"], node[status = "UNFINISHED"], node[status = "SKIPPED_ROBOTS"]',
          style: {'border-style': 'dashed'}},
        {selector: 'node[?group]', style: {
          'shape': 'round-rectangle', 'width': 'data(w)', 'height': 34,
          'background-color': '#edf2f7', 'border-color': '#718096', 'border-style': 'dashed', 'border-width': 2,
          'text-valign': 'center', 'text-margin-y': 0, 'font-size': 14, 'font-weight': 'bold', 'color': '#2d3748',
          'text-background-opacity': 0
        }},
        {selector: 'edge', style: {'width': edgeWidth, 'line-color': '#a0aec0', 'opacity': 0.5, 'curve-style': 'straight'}},
        {selector: 'edge[link]', style: {
          'width': 2 * edgeWidth, 'opacity': 0.85, 'target-arrow-shape': 'triangle', 'arrow-scale': 0.9,
          'curve-style': 'bezier', 'z-index': 10
        }},
        {selector: 'edge.out', style: {'line-color': '#dd6b20', 'target-arrow-color': '#dd6b20'}},
        {selector: 'edge.in', style: {'line-color': '#3182ce', 'target-arrow-color': '#3182ce'}},
        {selector: 'node.rg-selected', style: {
          'border-color': '#d69e2e', 'border-width': 6, 'z-index': 20, 'underlay-color': '#f6e05e',
          'underlay-opacity': 0.6, 'underlay-padding': 6
        }},
        {selector: 'node.rg-linked', style: {'z-index': 15}},
        {selector: 'node.rg-match', style: {'underlay-color': '#d53f8c', 'underlay-opacity': 0.7, 'underlay-padding': 8, 'z-index': 18}},
        {selector: '.rg-faded', style: {'opacity': 0.25}}
      ];
      STATUSES.forEach(function (st) {
        s.splice(1, 0, {selector: 'node[status = "' + st + '"]',
          style: {'background-color': COLORS[st][0], 'border-color': COLORS[st][1]}});
      });
      return s;
    }

    function updateLegend() {
      var counts = {};
      pages.forEach(function (p) { counts[p.status] = (counts[p.status] || 0) + 1; });
      legend.textContent = '';
      STATUSES.forEach(function (st) {
        if (!counts[st]) return;
        var item = el('span', 'rg-key');
        var sw = el('i', 'rg-swatch');
        sw.style.background = COLORS[st][0];
        sw.style.borderColor = COLORS[st][1];
        if (st === 'REDIRECTED' || st === 'UNFINISHED' || st === 'SKIPPED_ROBOTS') sw.style.borderStyle = 'dashed';
        item.append(sw, document.createTextNode(words(st) + ' ' + counts[st]));
        legend.appendChild(item);
      });
    }

    // ---- groups, selection and search

    function openGroup(owner, kind) {
      if (kind === 'all') expanded.add(owner);
      else childLimit.set(owner, limitOf(owner) + CHILD_CAP * 2);
      userMoved = true; // keep the user's zoom, and follow the page they opened
      refresh(false);
      var opened = cy.getElementById('p' + owner);
      if (opened.nonempty()) cy.animate({center: {eles: opened}}, {duration: 250});
    }

    /** Keeps page i drawn: opens the groups it is folded into; true when it was not drawn. */
    function reveal(i) {
      if (!folded) return false;
      pinned.add(i);
      return cy.getElementById('p' + i).empty();
    }

    function selectIndex(i, center) {
      if (i >= 0 && reveal(i)) refresh(false);
      selected = i;
      drawSelection();
      showDetails(i >= 0 ? i : null);
      if (i >= 0 && center) userMoved = true;
      if (i >= 0 && center) cy.animate({center: {eles: cy.getElementById('p' + i)}, zoom: Math.max(cy.zoom(), 1)}, {duration: 250});
      var page = i >= 0 ? pages[i] : null;
      handlers.select.forEach(function (h) { h(page); });
    }

    /** The id of the drawn node that stands for page j: its own, or the group it is folded into. */
    function representative(j) {
      if (!tree) return null;
      for (var a = j; a >= 0; a = tree.parent[a]) {
        var n = cy.getElementById('p' + a);
        if (n.nonempty()) {
          if (a === j) return n.id();
          var g = cy.getElementById('g' + a + 'all');
          if (g.nonempty()) return g.id();
          g = cy.getElementById('g' + a + 'more');
          return g.nonempty() ? g.id() : n.id();
        }
      }
      return null;
    }

    /** The selected page's own links, to the drawn node that stands for each end. */
    function drawSelection() {
      cy.batch(function () {
        cy.edges('[link]').remove();
        cy.nodes('.rg-selected, .rg-linked').removeClass('rg-selected rg-linked');
        if (selected < 0) return;
        var me = cy.getElementById('p' + selected);
        if (me.empty()) return;
        me.addClass('rg-selected');
        var add = [], seen = new Set();
        var shown = representative;
        function link(from, to, cls) {
          if (!from || !to || from === to || seen.has(from + ' ' + to)) return;
          seen.add(from + ' ' + to);
          add.push({group: 'edges', data: {id: 'l' + add.length + ' ' + from + ' ' + to, source: from, target: to, link: 1}, classes: cls});
        }
        outs[selected].forEach(function (j) { link(me.id(), shown(j), 'out'); });
        ins[selected].forEach(function (j) { link(shown(j), me.id(), 'in'); });
        cy.add(add).connectedNodes().not(me).addClass('rg-linked');
      });
    }

    function search(text) {
      var typed = String(text == null ? '' : text);
      text = typed.trim().toLowerCase();
      if (searchBox.value.trim().toLowerCase() !== text) searchBox.value = typed;
      if (!text) {
        matches = null;
        markMatches();
        searchCount.textContent = '';
        return 0;
      }
      matches = new Set();
      pages.forEach(function (p, i) { if (p.url.toLowerCase().indexOf(text) >= 0) matches.add(i); });
      // A few matches are opened up to; for many, the groups holding them are highlighted instead.
      if (folded) {
        pinned.clear();
        if (matches.size <= REVEAL_CAP) matches.forEach(function (i) { pinned.add(i); });
        refresh(false);
      }
      markMatches();
      searchCount.textContent = matches.size + (matches.size === 1 ? ' match' : ' matches');
      var found = cy.nodes('.rg-match');
      if (found.nonempty()) {
        userMoved = true;
        cy.animate({fit: {eles: found, padding: 60}, duration: 250});
        if (cy.zoom() > 1.5) cy.zoom(1.5);
      }
      return matches.size;
    }

    function markMatches() {
      cy.batch(function () {
        cy.elements('.rg-match, .rg-faded').removeClass('rg-match rg-faded');
        if (!matches) return;
        cy.nodes('[i]').forEach(function (n) {
          n.addClass(matches.has(n.data('i')) ? 'rg-match' : 'rg-faded');
        });
        var holding = new Set();
        matches.forEach(function (i) { if (cy.getElementById('p' + i).empty()) holding.add(representative(i)); });
        cy.nodes('[?group]').forEach(function (g) { g.addClass(holding.has(g.id()) ? 'rg-match' : 'rg-faded'); });
        cy.edges('[tree]').addClass('rg-faded');
      });
    }

    function fit() {
      userMoved = false;
      cy.animate({fit: {eles: cy.elements(), padding: 30}, duration: 200});
    }

    // ---- the details panel

    /** The panel is there only while a page is selected, so the overview has the whole width. */
    function showDetails(i) {
      details.textContent = '';
      var open = i != null && i >= 0;
      if (element.classList.contains('rg-open') !== open) {
        element.classList.toggle('rg-open', open);
        if (typeof cy !== 'undefined') {
          cy.resize();
          var n = open ? cy.getElementById('p' + i) : null;
          if (!userMoved) cy.fit(undefined, 30); // the whole drawing beside the panel, or without it
          else if (n && n.nonempty()) {
            var p = n.renderedPosition();
            if (p.x < 0 || p.y < 0 || p.x > cy.width() || p.y > cy.height()) cy.center(n);
          }
        }
      }
      if (!open) return;
      var close = el('button', 'rg-close', '\u00d7');
      close.type = 'button';
      close.title = 'Close';
      close.addEventListener('click', function () { selectIndex(-1, false); });
      details.appendChild(close);
      var p = pages[i];
      var shot = safeShot(p.screenshot);
      if (shot) {
        var a = el('a', 'rg-shot');
        a.href = screenshotBase + shot;
        a.target = '_blank';
        var img = el('img');
        img.alt = 'Screenshot of ' + p.url;
        img.src = screenshotBase + shot;
        img.addEventListener('error', function () { a.replaceWith(el('div', 'rg-noshot', 'screenshot not found: ' + shot)); });
        a.appendChild(img);
        details.appendChild(a);
      } else {
        details.appendChild(el('div', 'rg-noshot', 'no screenshot'));
      }
      var title = el('h3', 'rg-url');
      title.appendChild(linkOrText(p.url));
      details.appendChild(title);
      var dl = el('dl', 'rg-facts');
      function fact(name, value, cls) {
        if (value === null || value === undefined || value === '') return;
        var dd = el('dd', cls);
        if (value instanceof Node) dd.appendChild(value); else dd.textContent = String(value);
        dl.append(el('dt', null, name), dd);
      }
      var badge = el('span', 'rg-status', words(p.status));
      badge.style.background = (COLORS[p.status] || COLORS.UNFINISHED)[0];
      badge.style.borderColor = (COLORS[p.status] || COLORS.UNFINISHED)[1];
      fact('status', badge);
      fact('error', p.error, 'rg-error');
      fact('HTTP', p.http_status > 0 ? p.http_status : null);
      fact('type', p.content_type);
      fact('depth', p.depth);
      fact('crawl', p.crawl_millis > 0 ? p.crawl_millis + ' ms' : null);
      fact('render', p.render_millis > 0 ? p.render_millis + ' ms' : null);
      var retries = [];
      if (p.crawl_attempts > 1) retries.push('crawl ' + (p.crawl_attempts - 1));
      if (p.render_attempts > 1) retries.push('render ' + (p.render_attempts - 1));
      fact('retries', retries.join(', '));
      fact('truncated', p.truncated ? 'yes, at the size cap' : null);
      if (p.final_url && p.final_url !== p.url) fact('final URL', linkOrText(p.final_url));
      details.appendChild(dl);
      linkList('Links out', outs[i]);
      linkList('Links in', ins[i]);
    }

    function linkList(title, list) {
      var h = el('h4', title === 'Links out' ? 'rg-out' : 'rg-in', title + ' (' + list.length + ')');
      details.appendChild(h);
      if (!list.length) return;
      var ul = el('ul', 'rg-links');
      list.slice(0, 200).forEach(function (j) {
        var li = el('li');
        var b = el('button', 'rg-link', shortPath(pages[j].url, 70));
        b.type = 'button';
        b.title = pages[j].url;
        var dot = el('i', 'rg-swatch');
        dot.style.background = (COLORS[pages[j].status] || COLORS.UNFINISHED)[0];
        b.prepend(dot);
        b.addEventListener('click', function () { selectIndex(j, true); });
        li.appendChild(b);
        ul.appendChild(li);
      });
      details.appendChild(ul);
      if (list.length > 200) details.appendChild(el('p', 'rg-hint', '\u2026 and ' + (list.length - 200) + ' more'));
    }

    function linkOrText(url) {
      if (!isHttp(url)) return document.createTextNode(String(url));
      var a = el('a', null, url);
      a.href = url;
      a.rel = 'noopener noreferrer';
      a.target = '_blank';
      return a;
    }

    return {
      setData: setData,
      upsertPages: upsertPages,
      addLinks: addLinks,
      on: function (event, handler) {
        (handlers[event] = handlers[event] || []).push(handler);
        if (event === 'ready' && element.getAttribute('data-ready') === 'true') handler();
        return this;
      },
      select: function (url) {
        var i = url == null ? -1 : index.get(url);
        selectIndex(i === undefined ? -1 : i, true);
      },
      search: search,
      fit: fit,
      pageCount: function () { return pages.length; },
      isShown: function (url) {
        var i = index.get(url);
        return i !== undefined && cy.getElementById('p' + i).nonempty();
      },
      nodeOf: function (url) {
        var i = index.get(url), n = i === undefined ? null : cy.getElementById('p' + i);
        return n && n.nonempty() ? n : null;
      },
      cy: cy
    };
  }

  global.RendlerGraph = {mount: mount};
})(window);
