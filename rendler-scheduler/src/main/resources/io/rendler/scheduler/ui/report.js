/* report.js: draws report.html's link graph from the data inlined in the page (no fetching, so file:// works). */
(function () {
  'use strict';
  var source = document.getElementById('rendler-data');
  var holder = document.getElementById('graph-view');
  if (!source || !holder || typeof RendlerGraph === 'undefined') return;
  var data = JSON.parse(source.textContent);
  var pages = data.pages || [];
  // Links are inlined as [from, to] page indexes to keep big reports small.
  var links = (data.links || []).map(function (l) {
    return pages[l[0]] && pages[l[1]] ? {from: pages[l[0]].url, to: pages[l[1]].url} : null;
  });
  var view = RendlerGraph.mount(holder, {screenshotBase: 'screenshots/', live: false});
  window.rendlerView = view;
  view.on('ready', function () {
    window.rendlerReady = true;
    document.documentElement.setAttribute('data-graph-ready', 'true');
  });
  view.setData({pages: pages, links: links});
})();
