// stancegraph report: draws the embedded node-link graph with cytoscape + fcose, filters it,
// and shows the evidence behind nodes and edges. Everything runs offline from this page.
//
// Test hooks (used by the browser test): the URL hash may carry `select=<name>` (select that
// node after the first layout), `top=<n|all>`, `layout=browser` (lay out in the page) and `view=table`; after each layout the page writes its state
// (drawn labels, layout time, details text) as JSON into <pre id="report-state">.
(function () {
  'use strict';
  const started = performance.now();
  const DATA = JSON.parse(document.getElementById('graph-data').textContent);
  const GRAPH = DATA.graph || { nodes: [], links: [] };
  const OPTIONS = DATA.options || {};
  // Positions computed at export time (force-directed, in Rust): drawing them is instant
  // and nodes keep their place while filters change.
  const POSITIONS = DATA.positions || {};
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));

  // ---- Colours -------------------------------------------------------------------------
  const TYPE_COLOURS = {
    PER: '#4e79a7', ORG: '#f28e2b', GPE: '#59a14f', LOC: '#76b7b2', NORP: '#edc948',
    FAC: '#ff9da7', EVENT: '#e15759', ANON: '#bab0ac', UNRESOLVED: '#9c755f',
    ISSUE: '#b07aa1', DOCUMENT: '#c7c7c7',
  };
  const typeColour = (t) => TYPE_COLOURS[t] || '#8a8a8a';
  const POLARITY_COLOURS = { support: '#2ca02c', oppose: '#d62728', neutral: '#7f7f7f' };
  const SIGN_COLOURS = { cooperation: '#1f77b4', conflict: '#e6550d', neutral: '#7f7f7f' };
  const KIND_COLOURS = {
    said: '#17becf', affiliation: '#8c564b', hierarchy: '#9467bd', co_occurrence: '#d0d0d0',
  };
  const UNDIRECTED = new Set(['co_occurrence', 'agreement', 'conflict']);
  function edgeColour(e) {
    if (e.kind === 'stance' || e.kind === 'agreement' || e.kind === 'conflict') {
      return POLARITY_COLOURS[e.polarity] || '#7f7f7f';
    }
    if (e.kind === 'interaction') {
      return e.sign ? SIGN_COLOURS[e.sign] || '#7f7f7f' : POLARITY_COLOURS[e.polarity] || '#7f7f7f';
    }
    return KIND_COLOURS[e.kind] || '#999999';
  }

  // ---- Indexes -------------------------------------------------------------------------
  const nodes = GRAPH.nodes || [];
  const links = GRAPH.links || [];
  const nodeById = new Map();
  const docById = new Map();
  for (const n of nodes) {
    nodeById.set(n.id, n);
    if (n.kind === 'document') docById.set(n.doc_id, n);
  }
  const nodeType = (n) => (n.kind === 'issue' ? 'ISSUE' : n.kind === 'document' ? 'DOCUMENT' : String(n.type || 'UNKNOWN').toUpperCase());
  const day = (d) => (typeof d === 'string' && /^\d{4}-\d\d-\d\d/.test(d) ? d.slice(0, 10) : null);
  const docDate = (doc) => { const d = docById.get(doc); return d ? day(d.date) : null; };
  const labelOf = (id) => { const n = nodeById.get(id); return n ? n.label : id; };

  const linksOf = new Map(); // node id -> [link index]
  const strength = new Map(); // node id -> evidence count over its links
  links.forEach((e, i) => {
    e._i = i;
    for (const end of [e.source, e.target]) {
      if (!linksOf.has(end)) linksOf.set(end, []);
      linksOf.get(end).push(i);
      strength.set(end, (strength.get(end) || 0) + (e.weight || 1));
    }
  });
  // Prominence: mentions plus evidence on the node's edges; documents rank by their links.
  const prominence = (n) => (n.mentions || 0) + (strength.get(n.id) || 0);
  const ranked = nodes.slice().sort((a, b) => prominence(b) - prominence(a) || (a.label < b.label ? -1 : 1));

  const dates = Array.from(new Set(
    links.flatMap((e) => (e.evidence || []).map((ev) => docDate(ev.doc))).concat(
      nodes.filter((n) => n.kind === 'document').map((n) => day(n.date)))
  )).filter(Boolean).sort();

  const edgeKinds = Array.from(new Set(links.map((e) => e.kind))).sort();
  const nodeTypes = Array.from(new Set(nodes.map(nodeType))).sort();

  // ---- State ---------------------------------------------------------------------------
  const hashTop = hash.get('top');
  const state = {
    top: hashTop === 'all' ? 0 : hashTop && /^\d+$/.test(hashTop) ? Number(hashTop) : (Number.isInteger(OPTIONS.top) ? OPTIONS.top : 300),
    kinds: new Set(edgeKinds),
    types: new Set(nodeTypes.filter((t) => t !== 'DOCUMENT' || nodeTypes.length === 1)),
    minConfidence: 0,
    from: 0,
    to: Math.max(0, dates.length - 1),
    pinned: new Set(),
    selected: null,
  };
  const windowed = () => dates.length > 0 && (state.from > 0 || state.to < dates.length - 1);
  function inWindow(doc) {
    if (!windowed()) return true;
    const d = docDate(doc);
    return d !== null && d >= dates[state.from] && d <= dates[state.to];
  }

  // ---- Filtering -----------------------------------------------------------------------
  // Links passing the kind, confidence and time filters, with their evidence in the window.
  function filteredLinks() {
    const out = [];
    for (const e of links) {
      if (!state.kinds.has(e.kind)) continue;
      if ((e.confidence || 0) < state.minConfidence) continue;
      const evidence = windowed() ? (e.evidence || []).filter((ev) => inWindow(ev.doc)) : (e.evidence || []);
      if (windowed() && evidence.length === 0) continue;
      out.push({ link: e, evidence });
    }
    return out;
  }
  function nodePasses(n) {
    if (!state.types.has(nodeType(n))) return false;
    if (!windowed()) return true;
    if (n.kind === 'document') return inWindow(n.doc_id);
    const docs = Object.keys(n.mentions_by_doc || {});
    return docs.length === 0 || docs.some(inWindow);
  }
  // The nodes and edges to draw: the top N passing nodes by prominence, plus pinned ones.
  function visible() {
    const candidates = ranked.filter(nodePasses);
    const limit = state.top > 0 ? state.top : Infinity;
    const shown = new Set();
    for (const n of candidates) {
      if (shown.size >= limit) break;
      shown.add(n.id);
    }
    for (const id of state.pinned) if (nodeById.has(id)) shown.add(id);
    const edges = filteredLinks().filter(({ link }) => shown.has(link.source) && shown.has(link.target));
    return { shown, edges, candidates: candidates.length };
  }

  // ---- Cytoscape -----------------------------------------------------------------------
  cytoscape.use(cytoscapeFcose);
  const maxProminence = nodes.reduce((m, n) => Math.max(m, prominence(n)), 1);
  const cy = cytoscape({
    container: document.getElementById('cy'),
    minZoom: 0.05,
    maxZoom: 4,
    wheelSensitivity: 0.3,
    textureOnViewport: true,
    hideEdgesOnViewport: links.length > 5000,
    style: [
      { selector: 'node', style: {
        'width': 'data(size)', 'height': 'data(size)', 'background-color': 'data(colour)',
        'label': 'data(label)', 'font-size': 10, 'text-valign': 'bottom', 'text-margin-y': 2,
        'color': '#333', 'text-outline-color': '#fff', 'text-outline-width': 1.5,
        'min-zoomed-font-size': 7, 'border-width': 0.5, 'border-color': '#fff',
        'text-wrap': 'ellipsis', 'text-max-width': '160px',
      } },
      { selector: 'node[kind = "issue"]', style: { 'shape': 'round-rectangle' } },
      { selector: 'node[kind = "document"]', style: { 'shape': 'rectangle' } },
      { selector: 'edge', style: {
        'width': 'data(width)', 'line-color': 'data(colour)', 'target-arrow-color': 'data(colour)',
        'target-arrow-shape': 'data(arrow)', 'arrow-scale': 0.7, 'curve-style': 'haystack',
        'opacity': 0.75,
      } },
      { selector: 'edge[arrow = "triangle"]', style: { 'curve-style': 'bezier' } },
      { selector: 'edge[kind = "co_occurrence"]', style: { 'opacity': 0.35 } },
      { selector: '.match', style: { 'border-width': 3, 'border-color': '#ff6f00' } },
      { selector: ':selected', style: { 'border-width': 3, 'border-color': '#000', 'line-color': '#000', 'target-arrow-color': '#000', 'opacity': 1 } },
      { selector: '.faded', style: { 'opacity': 0.12 } },
    ],
  });

  function elementsFor(view) {
    const els = [];
    for (const id of view.shown) {
      const n = nodeById.get(id);
      const size = 12 + 38 * Math.sqrt(prominence(n) / maxProminence); // = layout.rs diameter()
      const at = POSITIONS[n.id];
      els.push({ group: 'nodes', data: { id: n.id, label: n.label, kind: n.kind, type: nodeType(n), colour: typeColour(nodeType(n)), size },
        position: at ? { x: at[0], y: at[1] } : { x: Math.random() * 500, y: Math.random() * 500 } });
    }
    // Arrows need bezier edges, which are slow to draw by the thousand.
    const arrows = view.edges.length <= 3000;
    for (const { link, evidence } of view.edges) {
      const weight = evidence.length || link.weight || 1;
      els.push({ group: 'edges', data: {
        id: 'e' + link._i, source: link.source, target: link.target, kind: link.kind,
        colour: edgeColour(link), width: Math.min(8, 1 + 1.5 * Math.log2(weight)),
        arrow: arrows && !UNDIRECTED.has(link.kind) ? 'triangle' : 'none',
      } });
    }
    return els;
  }

  let lastLayoutMs = null;
  let firstLayoutMs = null; // since navigation start: page load, parse and first layout
  let layoutRuns = 0;
  // Browser layout of what is shown (fcose: seconds for hundreds of nodes, so only on
  // request, and spectral-only "draft" quality above 300 nodes).
  function browserLayout(count) {
    return {
      name: 'fcose', quality: count > 300 ? 'draft' : 'default', animate: false, randomize: true,
      fit: true, padding: 30, nodeRepulsion: () => 6000, idealEdgeLength: () => 70,
      nodeSeparation: 60, packComponents: true,
    };
  }
  function redraw(relayout) {
    const t0 = performance.now();
    const view = visible();
    cy.batch(() => {
      cy.elements().remove();
      cy.add(elementsFor(view));
    });
    const count = cy.nodes().length;
    const layout = cy.layout(relayout && count > 1 ? browserLayout(count) : { name: 'preset', fit: true, padding: 30 });
    layout.one('layoutstop', () => {
      layoutRuns += 1;
      lastLayoutMs = performance.now() - t0;
      if (firstLayoutMs === null) firstLayoutMs = Math.round(performance.now());
      if (state.selected && cy.getElementById(state.selected).length) {
        cy.getElementById(state.selected).select();
      }
      updateSummary(view);
      renderTable();
      publishState();
    });
    layout.run();
  }

  function updateSummary(view) {
    const shownNodes = view.shown.size;
    document.getElementById('summary').textContent =
      `showing ${shownNodes} of ${view.candidates} nodes (${nodes.length} in graph), ${view.edges.length} edges` +
      (lastLayoutMs !== null ? ` · layout ${Math.round(lastLayoutMs)} ms` : '');
    const more = document.getElementById('show-more');
    more.disabled = state.top === 0 || view.candidates <= shownNodes;
  }

  // ---- Small DOM helpers ----------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === 'class') node.className = v;
      else if (k === 'style') node.setAttribute('style', v);
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : String(c));
    }
    return node;
  }
  const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  // Evidence text with the trigger (the words that carry the edge) and the actors' names
  // highlighted.
  function highlighted(text, trigger, names) {
    const marks = [];
    const add = (start, end, cls) => {
      if (start >= 0 && end > start && !marks.some((m) => start < m.end && m.start < end)) marks.push({ start, end, cls });
    };
    if (trigger) {
      const at = text.indexOf(trigger);
      if (at >= 0) add(at, at + trigger.length, 'trigger');
    }
    for (const name of names.filter((x) => x && x.length > 1).sort((a, b) => b.length - a.length)) {
      const re = new RegExp('\\b' + escapeRegExp(name) + '\\b', 'g');
      let m;
      while ((m = re.exec(text)) !== null) add(m.index, m.index + m[0].length, 'actor');
    }
    marks.sort((a, b) => a.start - b.start);
    const out = [];
    let pos = 0;
    for (const m of marks) {
      out.push(text.slice(pos, m.start), el('mark', { class: m.cls }, text.slice(m.start, m.end)));
      pos = m.end;
    }
    out.push(text.slice(pos));
    return out;
  }
  const namesOf = (id) => { const n = nodeById.get(id); return n ? [n.label, ...(n.aliases || [])] : []; };

  function webUrl(url) {
    if (typeof url !== 'string') return null;
    try {
      const parsed = new URL(url);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function documentRef(docId) {
    const d = docById.get(docId);
    const parts = [];
    // Only the http(s) URLs the exporter vetted (DATA.links) become links; checked again
    // here so a hand-edited data block cannot smuggle in a javascript: URL.
    const href = webUrl((DATA.links || {})[docId]);
    parts.push(href ? el('a', { href, target: '_blank', rel: 'noopener' }, docId) : el('span', { class: 'doc-id' }, docId));
    if (d && d.title) parts.push(' · ', d.title);
    if (d && d.date) parts.push(' · ', day(d.date) || d.date);
    if (d && d.outlet) parts.push(' · ', d.outlet);
    return el('div', { class: 'source' }, parts);
  }

  function evidenceBlock(ev, link, isQuote) {
    const names = namesOf(link.source).concat(namesOf(link.target));
    const text = ev.text || '';
    const body = isQuote && !ev.trigger ? [el('mark', { class: 'trigger' }, text)] : highlighted(text, ev.trigger, names);
    return el('div', { class: 'evidence', 'data-doc': ev.doc },
      el('div', { class: 'text' }, isQuote ? '“' : '', body, isQuote ? '”' : ''),
      documentRef(ev.doc),
      el('div', { class: 'source' }, `confidence ${Number(ev.confidence || 0).toFixed(2)}`, ev.stage ? ` · ${ev.stage}` : '', ` · characters ${ev.start}–${ev.end}`));
  }

  function badge(link) {
    const word = link.kind === 'interaction' && link.sign ? link.sign : link.kind === 'stance' || link.kind === 'agreement' || link.kind === 'conflict' ? link.polarity : link.kind.replace('_', '-');
    return el('span', { class: 'badge', style: `background:${edgeColour(link)}` }, word);
  }
  const evidenceInView = (link) => (link.evidence || []).filter((ev) => inWindow(ev.doc));

  // ---- Details panel --------------------------------------------------------------------
  const details = document.getElementById('details');
  function showNode(id) {
    const n = nodeById.get(id);
    if (!n) return;
    state.selected = id;
    const mine = (linksOf.get(id) || []).map((i) => links[i]);
    const out = mine.filter((e) => e.source === id);
    const into = mine.filter((e) => e.target === id);
    const section = (title, items) => (items.length ? [el('h3', {}, title), ...items] : []);
    const linkItem = (e, other, arrow) => el('li', {},
      badge(e), ' ', arrow, ' ', el('a', { href: '#', onclick: (ev) => { ev.preventDefault(); focusNode(other); } }, labelOf(other)),
      e.label && e.kind !== 'stance' ? el('span', { class: 'meta' }, ` (${e.label})`) : '',
      el('span', { class: 'meta' }, ` · ${e.weight} evidence · conf ${Number(e.confidence).toFixed(2)}`),
      ...evidenceInView(e).slice(0, 5).map((ev) => evidenceBlock(ev, e, false)));
    const quotes = out.filter((e) => e.kind === 'said').flatMap((e) => evidenceInView(e).map((ev) => el('li', {}, evidenceBlock(ev, e, true))));
    const stances = out.filter((e) => e.kind === 'stance').map((e) => linkItem(e, e.target, '→'));
    const towards = into.filter((e) => e.kind === 'stance').map((e) => linkItem(e, e.source, '←'));
    const relations = mine.filter((e) => ['interaction', 'hierarchy', 'affiliation', 'agreement', 'conflict'].includes(e.kind))
      .map((e) => (e.source === id ? linkItem(e, e.target, '→') : linkItem(e, e.source, '←')));
    const cooc = mine.filter((e) => e.kind === 'co_occurrence')
      .sort((a, b) => b.weight - a.weight).slice(0, 15)
      .map((e) => { const other = e.source === id ? e.target : e.source; return el('li', {}, el('a', { href: '#', onclick: (ev) => { ev.preventDefault(); focusNode(other); } }, labelOf(other)), el('span', { class: 'meta' }, ` · ${e.weight} sentences`)); });
    const roles = (n.roles || []).map((r) => el('li', {}, [r.title, r.organisation, r.country].filter((x) => x && x.trim()).join(', ')));
    const seen = n.kind === 'document' ? day(n.date) : [n.first_seen, n.last_seen].filter(Boolean).map(day).join(' – ');
    details.replaceChildren(
      el('h2', {}, el('span', { class: 'swatch', style: `background:${typeColour(nodeType(n))}` }), ' ', n.label),
      el('div', { class: 'meta' }, `${n.kind} · ${nodeType(n)}`,
        n.mentions !== undefined ? ` · ${n.mentions} mentions` : '',
        n.documents !== undefined ? ` · ${n.documents} documents` : '',
        seen ? ` · ${seen}` : ''),
      n.kind === 'document' ? documentRef(n.doc_id) : '',
      ...section('Aliases', (n.aliases || []).length ? [el('div', {}, n.aliases.join(' · '))] : []),
      ...section('Roles', roles.length ? [el('ul', {}, roles)] : []),
      ...section('Quotes', quotes.length ? [el('ul', { class: 'quotes' }, quotes)] : []),
      ...section('Stances', stances.length ? [el('ul', { class: 'stances' }, stances)] : []),
      ...section('Stances towards ' + n.label, towards.length ? [el('ul', {}, towards)] : []),
      ...section('Relations', relations.length ? [el('ul', {}, relations)] : []),
      ...section('Named together with', cooc.length ? [el('ul', {}, cooc)] : []),
    );
    details.scrollTop = 0;
    publishState();
  }

  function showEdge(link) {
    state.selected = 'e' + link._i;
    const evidence = evidenceInView(link);
    details.replaceChildren(
      el('h2', {}, labelOf(link.source), ' ', badge(link), ' ', labelOf(link.target)),
      el('div', { class: 'meta' }, `${link.kind}${link.label ? ' · ' + link.label : ''} · ${link.weight} evidence · confidence ${Number(link.confidence).toFixed(2)}`,
        link.first_seen ? ` · ${day(link.first_seen)}${link.last_seen && link.last_seen !== link.first_seen ? ' – ' + day(link.last_seen) : ''}` : ''),
      ...Object.entries(link.attributes || {}).map(([k, v]) => el('div', { class: 'meta' }, `${k}: ${v.join('; ')}`)),
      el('h3', {}, 'Evidence'),
      ...evidence.map((ev) => evidenceBlock(ev, link, link.kind === 'said')),
    );
    details.scrollTop = 0;
    publishState();
  }

  cy.on('tap', 'node', (evt) => showNode(evt.target.id()));
  cy.on('tap', 'edge', (evt) => { const l = links[Number(evt.target.id().slice(1))]; if (l) showEdge(l); });

  // Finds a node by name or alias: exact (case-insensitive) first, then a prefix, then a substring.
  function findNode(query) {
    const q = query.trim().toLowerCase();
    if (!q) return null;
    const names = (n) => [n.label, ...(n.aliases || [])].map((s) => String(s).toLowerCase());
    return ranked.find((n) => names(n).includes(q)) ||
      ranked.find((n) => names(n).some((s) => s.startsWith(q))) ||
      ranked.find((n) => names(n).some((s) => s.includes(q))) || null;
  }
  // Selects a node, drawing it (and its type) first if the filters hid it.
  function focusNode(id) {
    const n = nodeById.get(id);
    if (!n) return;
    state.selected = id;
    if (cy.getElementById(id).length === 0) {
      state.pinned.add(id);
      state.types.add(nodeType(n));
      syncControls();
      redraw(false);
    }
    cy.elements().unselect();
    const node = cy.getElementById(id);
    node.select();
    const box = node.renderedBoundingBox();
    if (box.x1 < 0 || box.y1 < 0 || box.x2 > cy.width() || box.y2 > cy.height()) cy.center(node);
    showNode(id);
  }

  // ---- Controls -------------------------------------------------------------------------
  let redrawTimer = null;
  const scheduleRedraw = () => { clearTimeout(redrawTimer); redrawTimer = setTimeout(() => redraw(false), 150); };
  document.getElementById('relayout').addEventListener('click', () => redraw(true));

  function checkbox(container, value, checked, colour, isLine, onChange) {
    const input = el('input', { type: 'checkbox', value });
    input.checked = checked;
    input.addEventListener('change', () => onChange(input.checked));
    container.append(el('label', { class: 'check' }, input, el('span', { class: 'swatch' + (isLine ? ' line' : ''), style: `background:${colour}` }), value.replace('_', '-')));
    return input;
  }
  const kindBoxes = edgeKinds.map((k) => checkbox(document.getElementById('edge-kinds'), k, true,
    edgeColour({ kind: k, polarity: 'neutral' }), true, (on) => { on ? state.kinds.add(k) : state.kinds.delete(k); scheduleRedraw(); }));
  const typeBoxes = nodeTypes.map((t) => checkbox(document.getElementById('node-types'), t, state.types.has(t),
    typeColour(t), false, (on) => { on ? state.types.add(t) : state.types.delete(t); scheduleRedraw(); }));
  function syncControls() {
    kindBoxes.forEach((b) => { b.checked = state.kinds.has(b.value); });
    typeBoxes.forEach((b) => { b.checked = state.types.has(b.value); });
  }

  const minConf = document.getElementById('min-confidence');
  minConf.addEventListener('input', () => { document.getElementById('min-confidence-value').textContent = Number(minConf.value).toFixed(2); });
  minConf.addEventListener('change', () => { state.minConfidence = Number(minConf.value); scheduleRedraw(); });

  const from = document.getElementById('date-from');
  const to = document.getElementById('date-to');
  if (dates.length === 0) {
    document.getElementById('time-filter').hidden = true;
  } else {
    for (const r of [from, to]) r.max = String(dates.length - 1);
    from.value = '0';
    to.value = String(dates.length - 1);
    const label = () => {
      document.getElementById('date-from-value').textContent = dates[Number(from.value)];
      document.getElementById('date-to-value').textContent = dates[Number(to.value)];
    };
    label();
    const onInput = (moved) => () => {
      if (Number(from.value) > Number(to.value)) (moved === from ? to : from).value = moved.value;
      label();
    };
    from.addEventListener('input', onInput(from));
    to.addEventListener('input', onInput(to));
    for (const r of [from, to]) r.addEventListener('change', () => { state.from = Number(from.value); state.to = Number(to.value); scheduleRedraw(); });
  }

  const topInput = document.getElementById('top-n');
  topInput.value = String(state.top);
  topInput.addEventListener('change', () => { const v = Number(topInput.value); if (Number.isInteger(v) && v >= 0) { state.top = v; scheduleRedraw(); } });
  document.getElementById('show-more').addEventListener('click', () => {
    state.top = state.top === 0 ? 0 : state.top * 2;
    topInput.value = String(state.top);
    redraw(false);
  });

  const datalist = document.getElementById('names');
  datalist.append(...ranked.filter((n) => n.kind !== 'document').slice(0, 2000).map((n) => el('option', { value: n.label })));
  const search = document.getElementById('search');
  search.addEventListener('input', () => {
    const q = search.value.trim().toLowerCase();
    cy.nodes().removeClass('match');
    if (q.length >= 2) cy.nodes().filter((n) => n.data('label').toLowerCase().includes(q)).addClass('match');
  });
  search.addEventListener('change', () => { const n = findNode(search.value); if (n) focusNode(n.id); });

  const legend = document.getElementById('legend');
  const legendRow = (colour, text, line) => el('div', {}, el('span', { class: 'swatch' + (line ? ' line' : ''), style: `background:${colour}` }), text);
  legend.append(
    legendRow(POLARITY_COLOURS.support, 'stance: support / agreement', true),
    legendRow(POLARITY_COLOURS.oppose, 'stance: oppose / conflict', true),
    legendRow(SIGN_COLOURS.cooperation, 'interaction: cooperation', true),
    legendRow(SIGN_COLOURS.conflict, 'interaction: conflict', true),
    legendRow('#7f7f7f', 'neutral', true),
    el('div', { class: 'meta' }, 'Node size: prominence (mentions + evidence). Edge width: evidence count.'),
  );

  // ---- Statements table -------------------------------------------------------------------
  const COLUMNS = [
    ['date', 'Date'], ['source', 'Source'], ['kind', 'Kind'], ['relation', 'Relation'],
    ['target', 'Target'], ['confidence', 'Confidence'], ['doc', 'Document'], ['text', 'Text'],
  ];
  const STATEMENT_KINDS = new Set(['said', 'stance', 'interaction', 'hierarchy', 'affiliation']);
  const TABLE_LIMIT = 2000;
  const table = { key: 'date', asc: true, rows: [] };
  function statementRows() {
    const rows = [];
    for (const { link, evidence } of filteredLinks()) {
      if (!STATEMENT_KINDS.has(link.kind)) continue;
      const s = nodeById.get(link.source);
      const t = nodeById.get(link.target);
      if (!s || !t || !nodePasses(s) || (link.kind !== 'said' && !nodePasses(t))) continue;
      const relation = link.kind === 'stance' ? link.polarity : link.kind === 'interaction' ? `${link.label} (${link.sign || link.polarity})` : link.label || link.kind;
      for (const ev of evidence) {
        rows.push({
          date: docDate(ev.doc) || '', source: s.label, kind: link.kind, relation,
          target: link.kind === 'said' ? (t.title || t.label) : t.label,
          confidence: Number(ev.confidence || link.confidence || 0).toFixed(2), doc: ev.doc, text: ev.text || '',
          _link: link, _ev: ev,
        });
      }
    }
    return rows;
  }
  const thead = document.querySelector('#statements thead tr');
  for (const [key, title] of COLUMNS) {
    thead.append(el('th', { 'data-key': key, onclick: () => { table.asc = table.key === key ? !table.asc : true; table.key = key; renderTable(); } }, title));
  }
  function renderTable() {
    table.rows = statementRows();
    const k = table.key;
    const dir = table.asc ? 1 : -1;
    table.rows.sort((a, b) => (a[k] < b[k] ? -dir : a[k] > b[k] ? dir : 0));
    for (const th of thead.children) th.className = th.dataset.key === k ? (table.asc ? 'asc' : 'desc') : '';
    const body = document.querySelector('#statements tbody');
    body.replaceChildren(...table.rows.slice(0, TABLE_LIMIT).map((r) => el('tr', { onclick: () => showEdge(r._link), title: 'Show this edge\'s evidence' },
      COLUMNS.map(([key]) => key === 'text'
        ? el('td', { class: 'text' }, r._link.kind === 'said' ? r.text : highlighted(r.text, r._ev.trigger, namesOf(r._link.source).concat(namesOf(r._link.target))))
        : el('td', {}, r[key])))));
    document.getElementById('table-note').textContent = table.rows.length > TABLE_LIMIT
      ? `${table.rows.length} statements; showing the first ${TABLE_LIMIT} (Copy copies all)` : `${table.rows.length} statements`;
  }
  document.getElementById('copy-table').addEventListener('click', () => {
    const clean = (s) => String(s).replace(/[\t\r\n]+/g, ' ');
    const tsv = [COLUMNS.map(([, t]) => t).join('\t')].concat(
      table.rows.map((r) => COLUMNS.map(([key]) => clean(r[key])).join('\t'))).join('\n');
    const fallback = () => {
      const area = el('textarea', { style: 'position:fixed;opacity:0' });
      area.value = tsv;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(tsv).catch(fallback);
    else fallback();
    document.getElementById('table-note').textContent = `copied ${table.rows.length} statements`;
  });

  const tabs = { network: document.getElementById('tab-network'), table: document.getElementById('tab-table') };
  function showTab(name) {
    document.getElementById('network-view').hidden = name !== 'network';
    document.getElementById('table-view').hidden = name !== 'table';
    tabs.network.classList.toggle('active', name === 'network');
    tabs.table.classList.toggle('active', name === 'table');
    if (name === 'network') cy.resize();
  }
  tabs.network.addEventListener('click', () => showTab('network'));
  tabs.table.addEventListener('click', () => showTab('table'));

  // ---- State for tests and tools -----------------------------------------------------------
  function publishState() {
    const drawn = cy.nodes().map((n) => n.data('label')).sort();
    const out = {
      ready: layoutRuns > 0,
      load_to_layout_ms: firstLayoutMs,
      layout_ms: lastLayoutMs === null ? null : Math.round(lastLayoutMs),
      nodes_in_graph: nodes.length,
      links_in_graph: links.length,
      drawn_nodes: drawn.length,
      drawn_edges: cy.edges().length,
      drawn_labels: drawn.length <= 500 ? drawn : drawn.slice(0, 500),
      positioned: cy.nodes().filter((n) => Number.isFinite(n.position('x')) && Number.isFinite(n.position('y'))).length,
      selected: state.selected ? (nodeById.get(state.selected) || {}).label || state.selected : null,
      details: details.innerText || details.textContent,
      statements: table.rows.length,
    };
    const pre = document.getElementById('report-state');
    pre.textContent = JSON.stringify(out);
    document.body.dataset.ready = String(out.ready);
  }

  // ---- Start --------------------------------------------------------------------------------
  redraw(hash.get('layout') === 'browser');
  const wanted = hash.get('select');
  if (wanted) {
    const n = findNode(wanted);
    if (n) focusNode(n.id);
  }
  if (hash.get('view') === 'table') showTab('table');
  publishState();
  window.stancegraphReport = { cy, state, redraw, focusNode, findNode, startedMs: started };
})();
