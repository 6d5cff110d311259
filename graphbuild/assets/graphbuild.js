/* graphbuild: the evidence map and the local graphs, drawn with vis-network.
 *
 * Loaded on every page; does nothing unless the page holds a graph. vis-network is loaded
 * once, from this script's own folder (never another host). Positions come from the build
 * (physics stays off), and every label and tooltip is plain text: the DOM is built with
 * textContent, and vis-network 9 shows a string title as text.
 */
(function () {
  "use strict";

  const SELF = document.currentScript || document.querySelector("script[src*='graphbuild.js']");
  const VIS_URL = SELF ? new URL("vis-network.min.js", SELF.src).href : "vis-network.min.js";

  /* By rank of the study's level among the configured levels: strongest first. These must
     match the words in templates/evidence_map.html. */
  const SHAPES = ["star", "diamond", "triangle", "square", "triangleDown", "hexagon"];
  const SIZES = [20, 17, 15, 13, 12, 11];
  const UNRATED_SIZE = 8;
  const CLAIM_SIZE = 14;
  const DASHES = { supports: false, contradicts: [8, 4], mixed: [8, 3, 2, 3], "no-effect": [2, 3] };
  const BIG = 1500; /* above this many nodes, edges are hidden while dragging or zooming */

  const FALLBACK = {
    "--gb-type-0": "#009e73", "--gb-type-1": "#d55e00", "--gb-type-2": "#56b4e9",
    "--gb-type-3": "#e69f00", "--gb-type-4": "#0072b2", "--gb-type-5": "#cc79a7",
    "--gb-type-6": "#f0e442", "--gb-type-7": "#555555",
    "--gb-stance-supports": "#0072b2", "--gb-stance-contradicts": "#d55e00",
    "--gb-stance-mixed": "#cc79a7", "--gb-stance-no-effect": "#6e6e6e",
    "--gb-study-fill": "#d4d4d4", "--gb-node-border": "#1a1a1a", "--gb-unrated-fill": "#ffffff",
    "--gb-select": "#000000", "--gb-label": "#1a1a1a",
  };

  const api = (window.graphbuild = window.graphbuild || {});
  api.networks = api.networks || {};
  api.datasets = api.datasets || {};
  const drawn = []; /* {key, container, network, nodes, edges, meta, data} */
  let visPromise = null;

  function loadVis() {
    if (window.vis && window.vis.Network) return Promise.resolve(window.vis);
    if (!visPromise) {
      visPromise = new Promise(function (resolve, reject) {
        const tag = document.createElement("script");
        tag.src = VIS_URL;
        tag.async = true;
        tag.onload = function () { resolve(window.vis); };
        tag.onerror = function () { visPromise = null; reject(new Error("vis-network did not load")); };
        document.head.appendChild(tag);
      });
    }
    return visPromise;
  }

  /* Only site-relative, http and https links are followed; anything else is ignored. */
  function safeUrl(url) {
    if (typeof url !== "string" || !url) return null;
    let resolved;
    try { resolved = new URL(url, document.baseURI); } catch (e) { return null; }
    const allowed = resolved.protocol === "http:" || resolved.protocol === "https:" ||
      (resolved.protocol === "file:" && window.location.protocol === "file:");
    return allowed ? resolved.href : null;
  }

  function palette(container) {
    const style = getComputedStyle(container);
    const colours = {};
    Object.keys(FALLBACK).forEach(function (name) {
      colours[name] = style.getPropertyValue(name).trim() || FALLBACK[name];
    });
    return colours;
  }

  function nodeStyle(raw, data, colours, isCenter) {
    const border = colours["--gb-node-border"];
    const select = colours["--gb-select"];
    let fill, shape, size, dashes = false;
    if (raw.k === "c") {
      const i = Math.min(Math.max(data.types.indexOf(raw.ty), 0), 7);
      fill = colours["--gb-type-" + i];
      shape = "dot";
      size = CLAIM_SIZE;
    } else if (raw.lv === undefined || raw.lv === null) {
      fill = colours["--gb-unrated-fill"];
      shape = "dot";
      size = UNRATED_SIZE;
      dashes = [2, 2];
    } else {
      const rank = Math.min(Math.max(data.levels.indexOf(raw.lv), 0), SHAPES.length - 1);
      fill = colours["--gb-study-fill"];
      shape = SHAPES[rank];
      size = SIZES[rank];
    }
    return {
      shape: shape,
      size: isCenter ? size * 1.4 : size,
      borderWidth: isCenter ? 3 : 1.5,
      borderWidthSelected: 4,
      shapeProperties: { borderDashes: dashes },
      color: {
        background: fill, border: border,
        highlight: { background: fill, border: select },
        hover: { background: fill, border: select },
      },
      font: { color: colours["--gb-label"], size: isCenter ? 16 : 13, bold: isCenter },
    };
  }

  function edgeStyle(stance, colours) {
    const colour = colours["--gb-stance-" + stance] || colours["--gb-stance-supports"];
    return {
      color: { color: colour, highlight: colour, hover: colour, inherit: false, opacity: 1 },
      dashes: DASHES[stance] === undefined ? false : DASHES[stance],
      width: stance === "supports" ? 1.5 : 2,
    };
  }

  function buildItems(data, colours, center) {
    const nodes = data.nodes.map(function (raw) {
      const item = nodeStyle(raw, data, colours, raw.id === center);
      item.id = raw.id;
      item.label = String(raw.l);
      item.title = String(raw.t || raw.l);
      item.x = raw.x;
      item.y = raw.y;
      return item;
    });
    const edges = data.edges.map(function (e, i) {
      const stance = data.stances[e[2]];
      const item = edgeStyle(stance, colours);
      item.id = i;
      item.from = data.nodes[e[0]].id;
      item.to = data.nodes[e[1]].id;
      return item;
    });
    return { nodes: nodes, edges: edges };
  }

  function draw(key, container, data, options) {
    return loadVis().then(function (vis) {
      const colours = palette(container);
      const items = buildItems(data, colours, data.c);
      const nodes = new vis.DataSet(items.nodes);
      const edges = new vis.DataSet(items.edges);
      const big = items.nodes.length > BIG;
      const network = new vis.Network(container, { nodes: nodes, edges: edges }, {
        autoResize: true,
        physics: { enabled: false },
        layout: { improvedLayout: false, randomSeed: 1 },
        nodes: { font: { face: "sans-serif" }, shapeProperties: { interpolation: false } },
        edges: { smooth: false, arrows: { to: { enabled: false } }, selectionWidth: 1.5 },
        interaction: {
          dragNodes: false, hover: false, tooltipDelay: 150, multiselect: false,
          hideEdgesOnDrag: big, hideEdgesOnZoom: big, keyboard: false,
          zoomView: options.zoom !== false,
        },
      });
      const meta = {};
      data.nodes.forEach(function (raw) { meta[raw.id] = raw; });
      const entry = { key: key, container: container, network: network, nodes: nodes,
        edges: edges, meta: meta, data: data };
      drawn.push(entry);
      api.networks[key] = network;
      api.datasets[key] = { nodes: nodes, edges: edges, meta: meta };

      network.on("click", function (params) {
        if (params.nodes.length !== 1) return;
        const url = safeUrl(meta[params.nodes[0]].u);
        if (url) window.location.assign(url);
      });
      container.dataset.gbNodes = String(items.nodes.length);
      container.dataset.gbEdges = String(items.edges.length);
      network.once("afterDrawing", function () { container.dataset.gbReady = "1"; });
      network.fit({ animation: false });
      network.redraw();
      return entry;
    });
  }

  function restyle() {
    drawn.forEach(function (entry) {
      const colours = palette(entry.container);
      const items = buildItems(entry.data, colours, entry.data.c);
      const hiddenNodes = entry.nodes.get({ fields: ["id", "hidden"] });
      const hiddenEdges = entry.edges.get({ fields: ["id", "hidden"] });
      items.nodes.forEach(function (n, i) { n.hidden = !!hiddenNodes[i].hidden; });
      items.edges.forEach(function (e, i) { e.hidden = !!hiddenEdges[i].hidden; });
      entry.nodes.update(items.nodes);
      entry.edges.update(items.edges);
    });
  }

  /* -- the evidence map ------------------------------------------------------------- */

  function checkedValues(form, name) {
    const values = new Set();
    form.querySelectorAll("input[name='" + name + "']").forEach(function (box) {
      if (box.checked) values.add(box.value);
    });
    return values;
  }

  function applyFilters(entry, form, status) {
    const data = entry.data;
    const types = checkedValues(form, "type");
    const groups = checkedValues(form, "group");
    const levels = checkedValues(form, "level");
    const stances = checkedValues(form, "stance");
    const shown = data.nodes.map(function (raw) {
      if (raw.k === "c") return types.has(raw.ty) && groups.has(raw.gr || "none");
      return levels.has(raw.lv === undefined ? "unrated" : String(raw.lv));
    });
    const linked = data.nodes.map(function () { return false; });
    const degree = data.nodes.map(function () { return 0; });
    const edgeShown = data.edges.map(function (e) {
      degree[e[1]] += 1;
      const ok = shown[e[0]] && shown[e[1]] && stances.has(data.stances[e[2]]);
      if (ok) linked[e[1]] = true;
      return ok;
    });
    data.nodes.forEach(function (raw, i) {
      if (raw.k === "s" && degree[i] > 0 && !linked[i]) shown[i] = false;
    });
    const current = entry.nodes.get({ fields: ["id", "hidden"] });
    const nodeChanges = [];
    current.forEach(function (item, i) {
      if (!!item.hidden === shown[i]) nodeChanges.push({ id: item.id, hidden: !shown[i] });
    });
    const currentEdges = entry.edges.get({ fields: ["id", "hidden"] });
    const edgeChanges = [];
    currentEdges.forEach(function (item, i) {
      if (!!item.hidden === edgeShown[i]) edgeChanges.push({ id: item.id, hidden: !edgeShown[i] });
    });
    if (nodeChanges.length) entry.nodes.update(nodeChanges);
    if (edgeChanges.length) entry.edges.update(edgeChanges);
    let claims = 0, claimsShown = 0, studies = 0, studiesShown = 0;
    data.nodes.forEach(function (raw, i) {
      if (raw.k === "c") { claims += 1; if (shown[i]) claimsShown += 1; }
      else { studies += 1; if (shown[i]) studiesShown += 1; }
    });
    const visible = claimsShown + studiesShown;
    entry.container.dataset.gbVisibleNodes = String(visible);
    entry.container.dataset.gbVisibleEdges = String(edgeShown.filter(Boolean).length);
    if (status) {
      status.textContent = "Showing " + claimsShown + " of " + claims + " claims and " +
        studiesShown + " of " + studies + " studies.";
    }
  }

  function showSelection(entry, panel, id) {
    if (!panel) return;
    const raw = entry.meta[id];
    panel.textContent = "";
    if (!raw) { panel.hidden = true; return; }
    const heading = document.createElement("p");
    const strong = document.createElement("strong");
    strong.textContent = (raw.k === "c" ? "Claim " : "Study ") + raw.l;
    heading.appendChild(strong);
    panel.appendChild(heading);
    String(raw.t || "").split("\n").forEach(function (line) {
      const p = document.createElement("p");
      p.textContent = line;
      panel.appendChild(p);
    });
    const url = safeUrl(raw.u);
    if (url) {
      const p = document.createElement("p");
      const link = document.createElement("a");
      link.href = url;
      link.textContent = raw.k === "c" ? "Open this claim" : "Open this study's page";
      p.appendChild(link);
      panel.appendChild(p);
    }
    panel.hidden = false;
  }

  function select(entry, panel, id) {
    const item = entry.nodes.get(id);
    if (!item || item.hidden) return false;
    entry.network.selectNodes([id]);
    entry.network.focus(id, { scale: Math.max(entry.network.getScale(), 1.2), animation: false });
    showSelection(entry, panel, id);
    entry.container.dataset.gbSelected = id;
    return true;
  }

  function searchText(raw) {
    return (raw.l + "\n" + raw.id + "\n" + (raw.t || "")).toLowerCase();
  }

  function setupSearch(entry, form, status, panel) {
    const input = form.querySelector("input[type='search'], input[name='q']");
    let last = { query: null, matches: [], at: -1 };
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const query = input.value.trim().toLowerCase();
      if (!query) { status.textContent = "Type a name, a year or words to find."; return; }
      if (query !== last.query) {
        const ranked = [];
        entry.data.nodes.forEach(function (raw, i) {
          const label = String(raw.l).toLowerCase();
          let rank = -1;
          if (label === query || raw.id.toLowerCase() === query) rank = 0;
          else if (label.indexOf(query) === 0) rank = 1;
          else if (label.indexOf(query) >= 0) rank = 2;
          else if (searchText(raw).indexOf(query) >= 0) rank = 3;
          if (rank >= 0) ranked.push([rank, i, raw.id]);
        });
        ranked.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
        last = { query: query, matches: ranked.map(function (r) { return r[2]; }), at: -1 };
      }
      const visible = last.matches.filter(function (id) { return !entry.nodes.get(id).hidden; });
      if (!last.matches.length) {
        status.textContent = "Nothing on the map matches \u201c" + input.value.trim() + "\u201d.";
        return;
      }
      if (!visible.length) {
        status.textContent = "The matches are hidden by the filters; use \u201cShow everything\u201d.";
        return;
      }
      last.at = (last.at + 1) % visible.length;
      const id = visible[last.at];
      select(entry, panel, id);
      status.textContent = "Match " + (last.at + 1) + " of " + visible.length + ": " +
        entry.meta[id].l + (visible.length > 1 ? ". Press Find again for the next." : ".");
    });
  }

  function hashNode() {
    try { return decodeURIComponent(window.location.hash.slice(1)); } catch (e) { return ""; }
  }

  function setupMap(container) {
    container.dataset.gbState = "loading";
    const page = container.closest(".gb-map-page") || document;
    const filters = page.querySelector("form.gb-map-filters");
    const search = page.querySelector("form.gb-map-search");
    const status = page.querySelector(".gb-map-status");
    const panel = page.querySelector(".gb-map-selection");
    const key = container.id || "map";
    fetch(new URL(container.dataset.src, document.baseURI).href)
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) { return draw(key, container, data, {}); })
      .then(function (entry) {
        container.dataset.gbState = "drawn";
        if (filters) {
          const update = function () { applyFilters(entry, filters, status); };
          filters.addEventListener("change", update);
          filters.addEventListener("reset", function () { window.setTimeout(update, 0); });
          applyFilters(entry, filters, null);
        }
        if (search && status) setupSearch(entry, search, status, panel);
        const fromHash = function () {
          const id = hashNode();
          if (id && entry.meta[id]) select(entry, panel, id);
        };
        fromHash();
        window.addEventListener("hashchange", fromHash);
      })
      .catch(function () {
        container.dataset.gbState = "failed";
        const note = document.createElement("p");
        note.className = "gb-map-failed";
        note.textContent = "The map could not be loaded here. The claims index and the evidence matrix linked below hold the same facts.";
        container.appendChild(note);
      });
  }

  /* -- local graphs ----------------------------------------------------------------- */

  function setupLocal(details) {
    const container = details.querySelector(".gb-graph[data-graph]");
    if (!container) return;
    const open = function () {
      if (!details.open || container.dataset.gbState) return;
      const source = document.getElementById(container.dataset.graph);
      if (!source) return;
      container.dataset.gbState = "loading";
      let data;
      try { data = JSON.parse(source.textContent); } catch (e) { container.dataset.gbState = "failed"; return; }
      draw(container.dataset.graph, container, data, { zoom: true }).then(function () {
        container.dataset.gbState = "drawn";
      }, function () { container.dataset.gbState = "failed"; });
    };
    details.addEventListener("toggle", open);
    open();
  }

  /* -- wiring ----------------------------------------------------------------------- */

  function forget() {
    for (let i = drawn.length - 1; i >= 0; i -= 1) {
      if (!drawn[i].container.isConnected) {
        drawn[i].network.destroy();
        if (api.networks[drawn[i].key] === drawn[i].network) {
          delete api.networks[drawn[i].key];
          delete api.datasets[drawn[i].key];
        }
        drawn.splice(i, 1);
      }
    }
  }

  function scan() {
    forget();
    document.querySelectorAll(".gb-map[data-src]").forEach(function (container) {
      if (!container.dataset.gbState) setupMap(container);
    });
    document.querySelectorAll("details.gb-local-graph").forEach(function (details) {
      if (details.dataset.gbBound) return;
      details.dataset.gbBound = "1";
      setupLocal(details);
    });
  }

  new MutationObserver(function () { if (drawn.length) restyle(); })
    .observe(document.body || document.documentElement, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(scan); /* Material's instant navigation swaps pages in place */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scan);
  } else {
    scan();
  }
})();
