/* graphbuild: the evidence map and the local graphs, drawn with vis-network; the "copy
 * citation" button and the claims index's downloads of the rows shown.
 *
 * Loaded on every page; does nothing unless the page holds one of these. vis-network is loaded
 * once, from this script's own folder (never another host). Positions come from the build
 * (physics stays off), and every label and tooltip is plain text: the DOM is built with
 * textContent, and vis-network 9 shows a string title as text.
 */
(function () {
  "use strict";

  const SELF = document.currentScript || document.querySelector("script[src*='graphbuild.js']");
  const VIS_URL = SELF ? new URL("vis-network.min.js", SELF.src).href : "vis-network.min.js";

  /* Stances, certainty, directions and evidence levels are drawn as the stylesheet made from
     graphbuild/vocabulary.py says (vocabulary.css): --gb-stance-<value>, --gb-stance-dash-<value>,
     --gb-certainty-fill-<value>, --gb-status-<value>, --gb-status-dash-<value>,
     --gb-level-shape-<rank> and --gb-level-size-<rank>. This script knows none of their
     values: it reads the ones the data names. */
  const UNRATED_SIZE = 8;
  const CLAIM_SIZE = 14;
  const BIG = 1500; /* above this many nodes, edges and labels are hidden while the view moves */
  const MIN_NODE_PX = 5; /* no node is drawn smaller than this on screen, whatever the zoom */
  const LABEL_PX = 12; /* labels are drawn at this size on screen, where they do not overlap */
  const MAX_LABELS = 400;
  const MISSING = "#ff00ff"; /* a value the stylesheet does not know: loud, never mistaken for another */

  const FALLBACK = {
    "--gb-study-fill": "#d4d4d4", "--gb-node-border": "#1a1a1a", "--gb-unrated-fill": "#ffffff",
    "--gb-select": "#000000", "--gb-label": "#1a1a1a", "--md-default-bg-color": "#ffffff",
  };

  const api = (window.graphbuild = window.graphbuild || {});
  api.networks = api.networks || {};
  api.datasets = api.datasets || {};
  const drawn = []; /* one entry per drawn graph: its network, data sets and visibility */
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

  /* The evidence map's data (a map's data-src, a local graph's data-map), the one copy of
     the graph the site publishes: no page carries a graph of its own. A file is fetched once
     per page, when a reader first opens the map or a graph, and then cached by the browser
     for every page. */
  const maps = {};

  function loadMap(url) {
    if (!maps[url]) {
      maps[url] = fetch(url).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
      maps[url].catch(function () { delete maps[url]; }); /* a failed load is tried again */
    }
    return maps[url];
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

  function palette(container, data) {
    const style = getComputedStyle(container);
    const read = function (name, fallback) { return style.getPropertyValue(name).trim() || fallback; };
    const colours = {};
    Object.keys(FALLBACK).forEach(function (name) { colours[name] = read(name, FALLBACK[name]); });
    colours.stances = {};
    colours.dashes = {};
    data.stances.forEach(function (value) {
      colours.stances[value] = read("--gb-stance-" + value, MISSING);
      colours.dashes[value] = dashes(read("--gb-stance-dash-" + value, "none"));
    });
    colours.shapes = data.levels.map(function (_, rank) {
      return { shape: read("--gb-level-shape-" + rank, "dot"), size: Number(read("--gb-level-size-" + rank, "11")) };
    });
    colours.claims = {}; /* one style per certainty and direction the data holds */
    data.nodes.forEach(function (raw) {
      if (!isClaim(raw)) return;
      const key = claimGroup(raw);
      if (colours.claims[key]) return;
      colours.claims[key] = {
        fill: raw.ce ? read("--gb-certainty-fill-" + raw.ce, MISSING) : colours["--gb-unrated-fill"],
        outline: read("--gb-status-" + raw.st, colours["--gb-node-border"]),
        dash: dashes(read("--gb-status-dash-" + raw.st, "none")),
      };
    });
    return colours;
  }

  function dashes(value) {
    return value === "none" ? false : value.split(/\s+/).map(Number);
  }

  function claimGroup(raw) {
    return "c-" + (raw.ce || "none") + "-" + raw.st;
  }

  /* A selected claim keeps its outline (what the evidence says: a contested claim's dashes
     stay); drawSelection rings it instead. */
  function nodeColour(fill, colours, border, keepOutline) {
    const select = { background: fill, border: keepOutline ? border : colours["--gb-select"] };
    return { background: fill, border: border || colours["--gb-node-border"], highlight: select, hover: select };
  }

  /* Node styles live in vis-network groups, so that a change of colour scheme (or of the
     zoom's minimum size) restyles every node with one setOptions call: c-<certainty>-<direction>
     claims, l<rank> study levels, u unrated. ``factor`` keeps nodes visible when zoomed out. */
  function groupOptions(colours, factor) {
    const groups = {};
    Object.keys(colours.claims).forEach(function (key) {
      const style = colours.claims[key];
      groups[key] = { shape: "dot", size: CLAIM_SIZE * factor, color: nodeColour(style.fill, colours, style.outline, true),
        borderWidth: style.dash ? 3 : 1.5, shapeProperties: { borderDashes: style.dash } };
    });
    colours.shapes.forEach(function (mark, rank) {
      groups["l" + rank] = { shape: mark.shape, size: mark.size * factor,
        color: nodeColour(colours["--gb-study-fill"], colours) };
    });
    groups.u = { shape: "dot", size: UNRATED_SIZE * factor, color: nodeColour(colours["--gb-unrated-fill"], colours),
      shapeProperties: { borderDashes: [2, 2] } };
    return groups;
  }

  function groupOf(raw, data) {
    if (isClaim(raw)) return claimGroup(raw);
    if (raw.lv === undefined || raw.lv === null) return "u";
    return "l" + Math.max(data.levels.indexOf(raw.lv), 0);
  }

  function isClaim(raw) {
    return raw.id.lastIndexOf("claim:", 0) === 0;
  }

  function edgeItems(data, colours) {
    return data.edges.map(function (e, i) {
      const stance = data.stances[e[2]];
      return {
        id: i, from: data.nodes[e[0]].id, to: data.nodes[e[1]].id, stance: stance,
        color: colours.stances[stance] || MISSING,
        dashes: colours.dashes[stance] === undefined ? false : colours.dashes[stance],
      };
    });
  }

  /* Labels are drawn by this script (see drawLabels), not by vis-network: the data's "l" is
     kept for them and the node itself has none. */
  function nodeItems(data) {
    return data.nodes.map(function (raw) {
      const item = { id: raw.id, title: String(raw.t || raw.l), x: raw.x, y: raw.y, group: groupOf(raw, data) };
      if (raw.id === data.c) item.borderWidth = 4;
      return item;
    });
  }

  function networkOptions(colours, count, factor) {
    const big = count > BIG;
    return {
      autoResize: true,
      physics: { enabled: false },
      layout: { improvedLayout: false, randomSeed: 1 },
      groups: groupOptions(colours, factor),
      nodes: { borderWidth: 1.5, borderWidthSelected: 4, shapeProperties: { interpolation: false } },
      edges: { smooth: false, width: 2, selectionWidth: 1.5, arrows: { to: { enabled: false } } },
      interaction: {
        dragNodes: false, hover: false, tooltipDelay: 150, multiselect: false,
        hideEdgesOnDrag: big, hideEdgesOnZoom: big, keyboard: false,
      },
    };
  }

  /* Which labels come first where there is no room for all: the centre of a local graph and
     the selected node, then claims, then studies by the strength of their design. */
  function labelOrder(data) {
    const order = data.nodes.map(function (raw, i) { return i; });
    const rank = function (raw) {
      if (raw.id === data.c) return -1;
      if (isClaim(raw)) return 0;
      return raw.lv === undefined || raw.lv === null ? 99 : 1 + data.levels.indexOf(raw.lv);
    };
    order.sort(function (a, b) { return rank(data.nodes[a]) - rank(data.nodes[b]) || a - b; });
    return order;
  }

  /* Labels at LABEL_PX on screen wherever the zoom is, each placed under its node only where
     it overlaps no label already placed (a grid of screen cells keeps the check cheap): a
     small map is labelled at once, a large one gains labels as it is zoomed into. */
  function drawLabels(entry, ctx) {
    const network = entry.network;
    const container = entry.container;
    if (entry.moving) return;
    const scale = network.getScale();
    const width = container.clientWidth, height = container.clientHeight;
    const topLeft = network.DOMtoCanvas({ x: 0, y: 0 });
    const font = LABEL_PX / scale;
    const cell = 64;
    const grid = new Map();
    const free = function (box) {
      for (let gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx += 1) {
        for (let gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy += 1) {
          const taken = grid.get(gx + ":" + gy);
          if (taken && taken.some(function (b) { return b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3]; })) {
            return false;
          }
        }
      }
      return true;
    };
    const take = function (box) {
      for (let gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx += 1) {
        for (let gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy += 1) {
          const key = gx + ":" + gy;
          if (!grid.has(key)) grid.set(key, []);
          grid.get(key).push(box);
        }
      }
    };
    ctx.save();
    ctx.font = font + "px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    ctx.lineWidth = 3 / scale;
    ctx.strokeStyle = entry.colours["--md-default-bg-color"];
    ctx.fillStyle = entry.colours["--gb-label"];
    let placed = 0;
    entry.data.nodes.forEach(function (raw, i) { /* labels keep off the nodes */
      if (!entry.nodeShown[i]) return;
      const sx = (raw.x - topLeft.x) * scale, sy = (raw.y - topLeft.y) * scale;
      if (sx < -50 || sy < -50 || sx > width + 50 || sy > height + 50) return;
      const r = entry.nodeRadius(raw) * scale;
      take([sx - r, sy - r, sx + r, sy + r]);
    });
    const selected = container.dataset.gbSelected;
    const order = selected && entry.index[selected] !== undefined
      ? [entry.index[selected]].concat(entry.labelOrder) : entry.labelOrder;
    const seen = new Set();
    for (let n = 0; n < order.length && placed < MAX_LABELS; n += 1) {
      const i = order[n];
      if (seen.has(i) || !entry.nodeShown[i]) continue;
      seen.add(i);
      const raw = entry.data.nodes[i];
      const sx = (raw.x - topLeft.x) * scale, sy = (raw.y - topLeft.y) * scale;
      if (sx < -100 || sy < -20 || sx > width + 100 || sy > height + 20) continue;
      const text = String(raw.l);
      const w = ctx.measureText(text).width * scale + 4;
      const r = entry.nodeRadius(raw) * scale + 2;
      const h = LABEL_PX + 2;
      /* below, above, right of, left of the node: the first place that is free */
      /* centred under or over a node at the frame's edge, a label slides inwards */
      const cx = Math.min(Math.max(sx - w / 2, 0), width - w);
      const spots = [[cx, sy + r], [cx, sy - r - h], [sx + r, sy - h / 2], [sx - r - w, sy - h / 2]];
      const spot = spots.find(function (p) {
        return p[0] >= 0 && p[1] >= 0 && p[0] + w <= width && p[1] + h <= height && free([p[0], p[1], p[0] + w, p[1] + h]);
      });
      if (!spot) continue;
      take([spot[0], spot[1], spot[0] + w, spot[1] + h]);
      const x = topLeft.x + (spot[0] + w / 2) / scale, y = topLeft.y + (spot[1] + 1) / scale;
      ctx.strokeText(text, x, y);
      ctx.fillText(text, x, y);
      placed += 1;
    }
    ctx.restore();
    container.dataset.gbLabels = String(placed);
    container.dataset.gbLabelPx = String(LABEL_PX);
  }

  /* Nodes keep at least MIN_NODE_PX on screen: when zoomed out that far, every node style is
     scaled up once the zoom comes to rest. */
  function neededFactor(entry) {
    const factor = Math.max(1, MIN_NODE_PX / (UNRATED_SIZE * entry.network.getScale()));
    return Math.abs(factor - entry.factor) / entry.factor < 0.1 ? entry.factor : factor;
  }

  function keepNodesVisible(entry) {
    const factor = neededFactor(entry);
    if (factor === entry.factor) return;
    entry.factor = factor;
    entry.network.setOptions({ groups: groupOptions(entry.colours, factor) });
  }

  /* -- which node a tap means --------------------------------------------------------
     vis-network gives a tap to the node drawn on top wherever shapes overlap: on a phone a
     third of the whole map's nodes could not be reached. Here a tap inside one node's shape
     means that node; inside several overlapping shapes, the reader chooses among them; in
     none, the nearest within FINGER_PX on a touch screen, or a choice where two are about
     as near (within CLEAR_PX). */
  const FINGER_PX = 10;
  const CLEAR_PX = 8;
  const MAX_CHOICES = 8;

  function nodesAt(entry, point, slack) {
    const scale = entry.network.getScale();
    const found = [];
    entry.data.nodes.forEach(function (raw, i) {
      if (!entry.nodeShown[i]) return;
      const distance = Math.hypot(raw.x - point.x, raw.y - point.y);
      const radius = entry.nodeRadius(raw);
      if (distance <= radius + slack / scale) found.push([distance, raw.id, distance <= radius]);
    });
    return found.sort(function (a, b) { return a[0] - b[0]; });
  }

  /* A first tap shows what a node is; a second tap on it, or a click, opens it. */
  function pick(entry, id, touch) {
    const container = entry.container;
    if (touch && container.dataset.gbSelected !== id) {
      container.dataset.gbSelected = id;
      entry.network.selectNodes([id], true);
      if (entry.panel) fadeOtherLinks(entry, id);
      previewNode(entry, id);
      entry.network.redraw();
      return;
    }
    const url = safeUrl(entry.meta[id].u);
    if (url) window.location.assign(url);
  }

  let chooser = null;

  function closeChooser() {
    if (chooser) { chooser.hidden = true; chooser.textContent = ""; }
  }

  /* A list of the nodes a tap could mean, in plain text, from which the reader picks one
     (by touch, mouse or keyboard; Escape closes it). It is a sibling of the drawing, which
     as role=img hides what is inside it. */
  function offerChoice(entry, ids) {
    const container = entry.container;
    if (!chooser) {
      chooser = document.createElement("div");
      chooser.className = "gb-map-choices";
      chooser.setAttribute("role", "group");
      chooser.addEventListener("keydown", function (event) { if (event.key === "Escape") closeChooser(); });
    }
    container.after(chooser);
    chooser.textContent = "";
    chooser.setAttribute("aria-label", "Several nodes are here: choose one");
    const heading = document.createElement("p");
    heading.textContent = "Several are here. Which one did you mean?";
    chooser.appendChild(heading);
    ids.forEach(function (id) {
      const raw = entry.meta[id];
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = (isClaim(raw) ? "Claim: " : "Study: ") + raw.l;
      button.addEventListener("click", function () { closeChooser(); pick(entry, id, true); });
      chooser.appendChild(button);
    });
    const close = document.createElement("button");
    close.type = "button";
    close.className = "gb-map-choices-close";
    close.textContent = "None of these";
    close.addEventListener("click", closeChooser);
    chooser.appendChild(close);
    container.dataset.gbChoices = ids.join(" ");
    chooser.hidden = false;
    chooser.querySelector("button").focus({ preventScroll: true });
  }

  /* The selected node is ringed in the selection colour, outside its own outline (which
     keeps saying what the evidence says). */
  function drawSelection(entry, ctx) {
    const id = entry.container.dataset.gbSelected;
    const i = id === undefined ? undefined : entry.index[id];
    if (i === undefined || !entry.nodeShown[i]) return;
    const raw = entry.data.nodes[i];
    const scale = entry.network.getScale();
    ctx.save();
    ctx.beginPath();
    ctx.arc(raw.x, raw.y, entry.nodeRadius(raw) + 5 / scale, 0, 2 * Math.PI);
    ctx.lineWidth = 3 / scale;
    ctx.strokeStyle = entry.colours["--gb-select"];
    ctx.stroke();
    ctx.restore();
  }

  function previewNode(entry, id) {
    const panel = entry.panel;
    if (panel) { showSelection(entry, panel, id); return; }
    let preview = entry.container.parentNode.querySelector(".gb-graph-preview");
    if (!preview) {
      preview = document.createElement("p");
      preview.className = "gb-graph-preview";
      preview.setAttribute("aria-live", "polite");
      entry.container.after(preview);
    }
    preview.textContent = String(entry.meta[id].t || entry.meta[id].l) + "\nTap again to open it.";
  }

  function draw(key, container, data, vis, panel) {
    const colours = palette(container, data);
    const nodes = new vis.DataSet(nodeItems(data));
    const edges = new vis.DataSet(edgeItems(data, colours));
    const network = new vis.Network(container, { nodes: nodes, edges: edges },
      networkOptions(colours, data.nodes.length, 1));
    const frame = container.querySelector(".vis-network");
    /* inside role=img, neither tabbed to nor focused by a tap: search and filters are the
       keyboard path, and a chooser keeps the focus a tap gave it */
    if (frame) frame.removeAttribute("tabindex");
    /* a tap's own mouse events come after it: they must not take the focus from its chooser */
    container.addEventListener("mousedown", function (event) { if (chooser && !chooser.hidden) event.preventDefault(); });
    const meta = {};
    const index = {};
    data.nodes.forEach(function (raw, i) { meta[raw.id] = raw; index[raw.id] = i; });
    const entry = {
      key: key, container: container, network: network, nodes: nodes, edges: edges, meta: meta,
      index: index, data: data, colours: colours, factor: 1, panel: panel || null, moving: false,
      labelOrder: labelOrder(data),
      nodeShown: data.nodes.map(function () { return true; }),
      edgeShown: data.edges.map(function () { return true; }),
    };
    entry.nodeRadius = function (raw) {
      const group = groupOf(raw, data);
      const base = group[0] === "c" ? CLAIM_SIZE : group === "u" ? UNRATED_SIZE : colours.shapes[Number(group.slice(1))].size;
      return base * entry.factor;
    };
    drawn.push(entry);
    api.networks[key] = network;
    api.datasets[key] = { nodes: nodes, edges: edges, meta: meta };

    network.on("click", function (params) {
      const event = params.event || {};
      const pointer = event.pointerType || (event.srcEvent && event.srcEvent.pointerType);
      const touch = pointer === "touch" || pointer === "pen";
      const found = nodesAt(entry, params.pointer.canvas, touch ? FINGER_PX : 2);
      closeChooser();
      if (!found.length) return;
      const under = found.filter(function (f) { return f[2]; });
      const scale = network.getScale();
      const clear = under.length === 1 || (!under.length && (found.length === 1 || (found[1][0] - found[0][0]) * scale >= CLEAR_PX));
      if (!clear) {
        const choices = under.length > 1 ? under : found;
        offerChoice(entry, choices.slice(0, MAX_CHOICES).map(function (f) { return f[1]; }));
        return;
      }
      pick(entry, (under.length ? under : found)[0][1], touch);
    });
    network.on("afterDrawing", function (ctx) {
      drawSelection(entry, ctx);
      drawLabels(entry, ctx);
      if (!entry.moving && neededFactor(entry) !== entry.factor) window.setTimeout(function () { keepNodesVisible(entry); }, 0);
    });
    let rest = null;
    const moved = function () {
      if (data.nodes.length > BIG) entry.moving = true;
      window.clearTimeout(rest);
      rest = window.setTimeout(function () {
        entry.moving = false;
        keepNodesVisible(entry);
        network.redraw();
      }, 150);
    };
    network.on("zoom", moved);
    network.on("dragStart", function () { if (data.nodes.length > BIG) entry.moving = true; });
    network.on("dragEnd", moved);
    container.dataset.gbNodes = String(data.nodes.length);
    container.dataset.gbEdges = String(data.edges.length);
    network.once("afterDrawing", function () { container.dataset.gbReady = "1"; });
    network.fit({ animation: false });
    keepNodesVisible(entry);
    network.redraw();
    return entry;
  }

  function restyle() {
    drawn.forEach(function (entry) {
      const colours = palette(entry.container, entry.data);
      entry.colours = colours;
      entry.network.setOptions({ groups: groupOptions(colours, entry.factor) });
      entry.edges.update(edgeItems(entry.data, colours).map(function (e) {
        return { id: e.id, color: e.color };
      }));
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

  /* Claims by type, group and the kinds of evidence behind them, studies by level, links by
     stance; a study none of whose links is left is hidden too. vis-network already hides a
     link when either end is hidden, so only the stance filter touches links; only changed
     items are updated. */
  function applyFilters(entry, form, status) {
    const data = entry.data;
    const types = checkedValues(form, "type");
    const groups = checkedValues(form, "group");
    const levels = checkedValues(form, "level");
    const stances = checkedValues(form, "stance");
    const kinds = form.querySelector("input[name='evidence']") ? checkedValues(form, "evidence") : null;
    const fromKinds = function (raw) { /* any kind of evidence behind the claim that is ticked */
      return !kinds || !raw.ev || !raw.ev.length || raw.ev.some(function (i) { return kinds.has(data.kinds[i][0]); });
    };
    const shown = data.nodes.map(function (raw) {
      if (isClaim(raw)) return types.has(raw.ty) && groups.has(raw.gr || "none") && fromKinds(raw);
      return levels.has(raw.lv === undefined || raw.lv === null ? "unrated" : String(raw.lv));
    });
    const stanceShown = data.edges.map(function (e) { return stances.has(data.stances[e[2]]); });
    const degree = data.nodes.map(function () { return 0; });
    const linked = data.nodes.map(function () { return false; });
    let edgesVisible = 0;
    data.edges.forEach(function (e, i) {
      degree[e[1]] += 1;
      if (stanceShown[i] && shown[e[0]] && shown[e[1]]) { linked[e[1]] = true; edgesVisible += 1; }
    });
    data.nodes.forEach(function (raw, i) {
      if (!isClaim(raw) && degree[i] > 0 && !linked[i]) shown[i] = false;
    });
    const nodeChanges = [];
    shown.forEach(function (value, i) {
      if (value !== entry.nodeShown[i]) nodeChanges.push({ id: data.nodes[i].id, hidden: !value });
    });
    const edgeChanges = [];
    stanceShown.forEach(function (value, i) {
      if (value !== entry.edgeShown[i]) edgeChanges.push({ id: i, hidden: !value });
    });
    entry.nodeShown = shown;
    entry.edgeShown = stanceShown;
    if (edgeChanges.length) entry.edges.update(edgeChanges);
    if (nodeChanges.length) entry.nodes.update(nodeChanges);
    let claims = 0, claimsShown = 0, studies = 0, studiesShown = 0;
    data.nodes.forEach(function (raw, i) {
      if (isClaim(raw)) { claims += 1; if (shown[i]) claimsShown += 1; }
      else { studies += 1; if (shown[i]) studiesShown += 1; }
    });
    entry.container.dataset.gbVisibleNodes = String(claimsShown + studiesShown);
    entry.container.dataset.gbVisibleEdges = String(edgesVisible);
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
    strong.textContent = (isClaim(raw) ? "Claim " : "Study ") + raw.l;
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
      link.textContent = isClaim(raw) ? "Open this claim" : "Open this study's page";
      p.appendChild(link);
      panel.appendChild(p);
    }
    panel.hidden = false;
  }

  /* A node found or landed on: it and every node linked to it fill the view (a claim with
     all its studies), its links highlighted and the others faded. */
  function select(entry, panel, id) {
    const i = entry.index[id];
    if (i === undefined || !entry.nodeShown[i]) return false;
    const network = entry.network;
    entry.container.dataset.gbSelected = id;
    network.selectNodes([id], true);
    showSelection(entry, panel, id);
    fitAround(entry, id);
    fadeOtherLinks(entry, id);
    return true;
  }

  const MAX_FIT_SCALE = 2.5;

  function fitAround(entry, id) {
    const network = entry.network;
    const near = network.getConnectedNodes(id).filter(function (n) { return entry.nodeShown[entry.index[n]]; });
    network.fit({ nodes: [id].concat(near), animation: false });
    if (network.getScale() > MAX_FIT_SCALE) network.moveTo({ scale: MAX_FIT_SCALE, animation: false });
    keepNodesVisible(entry);
    /* the labels and nodes a fit leaves under the edges of the frame: fit again, with room */
    if (near.length) network.moveTo({ scale: network.getScale() * 0.92, animation: false });
  }

  function fadeOtherLinks(entry, id) {
    const colours = entry.colours;
    const changes = entry.data.edges.map(function (e, i) {
      const mine = entry.data.nodes[e[0]].id === id || entry.data.nodes[e[1]].id === id;
      const colour = colours.stances[entry.data.stances[e[2]]] || MISSING;
      return { id: i, color: mine ? colour : { color: colour, opacity: 0.2 }, width: mine ? 3.5 : 2 };
    });
    entry.edges.update(changes);
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
      if (query !== last.query) last = { query: query, matches: rankedMatches(entry.data.nodes, query), at: -1 };
      const visible = last.matches.filter(function (id) { return entry.nodeShown[entry.index[id]]; });
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
    const box = page.querySelector("details.gb-map-filter-box");
    if (box && window.matchMedia("(max-width: 44.9375em)").matches) box.open = false; /* phones: map first */
    const data = loadMap(new URL(container.dataset.src, document.baseURI).href);
    /* Load failures are shown in the page; a bug after loading stays an error in the console. */
    Promise.all([data, loadVis()]).then(function (loaded) {
      if (loaded[0].pages) { setupPagedMap(container, page, loaded[0], loaded[1]); return; }
      const entry = draw(key, container, loaded[0], loaded[1], panel);
      container.dataset.gbState = "drawn";
      setupTools(page, entry);
      if (filters) {
        const update = function () { applyFilters(entry, filters, status); };
        filters.addEventListener("change", update);
        filters.addEventListener("reset", function () { window.setTimeout(update, 0); });
        applyFilters(entry, filters, null);
      }
      if (search && status) setupSearch(entry, search, status, panel);
      const fromHash = function () {
        const id = hashNode();
        if (id && entry.meta[id]) {
          container.dataset.gbSelected = id;
          showSelection(entry, panel, id);
          landOn(container, panel); /* "Show in the evidence map": the map and what it shows on screen */
          entry.network.setSize("100%", "100%"); /* the frame's new height, now rather than at the next check */
          select(entry, panel, id);
        }
      };
      fromHash();
      window.addEventListener("hashchange", fromHash);
    }, function () {
      failed(container, "The map could not be loaded here. The claims index and the evidence " +
        "matrix linked below the map hold the same facts.");
    });
  }

  /* The map scrolled to just under the theme's header, and made shorter where the screen
     cannot hold it and the description of the node below it (a phone's). */
  const MIN_MAP_PX = 240;

  function landOn(container, panel) {
    const header = document.querySelector(".md-header");
    const top = header ? header.getBoundingClientRect().height : 0;
    const rect = container.getBoundingClientRect();
    const below = panel && !panel.hidden ? panel.getBoundingClientRect().bottom - rect.bottom : 0;
    const room = window.innerHeight - top - below - 8;
    if (room < container.clientHeight) {
      container.style.minHeight = MIN_MAP_PX + "px";
      container.style.height = Math.max(room, MIN_MAP_PX) + "px";
    }
    window.scrollTo(0, window.scrollY + container.getBoundingClientRect().top - top - 4);
  }

  /* -- a large map, first drawn by its pages ------------------------------------------ */

  /* A map of tens of thousands of nodes (the data then has "pages", and each claim its page's
     number, "pg") is first drawn as its pages: a node for each page that holds claims, where
     its claims are, larger for more claims (Chromium took 11 to 14 s to draw 40,000 nodes,
     and as long for each filter). Opening a page (a click or a tap on it, a search, a link to
     a claim's or a study's place on the map) draws its claims and their studies as the map
     of a small site is drawn: filters, search, and a click on a claim or a study to open it
     work there as they do on it. "Show all pages" goes back. */
  function pageNumbers(data) {
    const claims = data.pages.map(function () { return []; });
    const studyPage = {};
    data.nodes.forEach(function (raw, i) { if (raw.pg !== undefined && claims[raw.pg]) claims[raw.pg].push(i); });
    data.edges.forEach(function (e) {
      const pg = data.nodes[e[0]].pg;
      if (studyPage[e[1]] === undefined && pg !== undefined) studyPage[e[1]] = pg;
    });
    return { claims: claims, studyPage: studyPage };
  }

  function pageOverview(data, numbers) {
    const nodes = [];
    data.pages.forEach(function (title, n) {
      const claims = numbers.claims[n];
      if (!claims.length) return;
      let x = 0, y = 0;
      claims.forEach(function (i) { x += data.nodes[i].x; y += data.nodes[i].y; });
      const count = claims.length;
      nodes.push({
        id: "page:" + n, k: "p", l: String(title), x: Math.round(x / count), y: Math.round(y / count),
        size: Math.round(8 + 4 * Math.sqrt(count)),
        t: String(title) + "\n" + count + " claim" + (count === 1 ? "" : "s") + ". Open it to see them and their studies.",
      });
    });
    return Object.assign({}, data, { nodes: nodes, edges: [], pages: undefined });
  }

  function pageGraph(data, claims) {
    const keep = new Set(claims);
    const studies = [];
    data.edges.forEach(function (e) {
      if (keep.has(e[0]) && !keep.has(e[1])) { keep.add(e[1]); studies.push(e[1]); }
    });
    const order = claims.concat(studies);
    const position = {};
    order.forEach(function (i, n) { position[i] = n; });
    const edges = data.edges.filter(function (e) { return position[e[0]] !== undefined && position[e[1]] !== undefined; })
      .map(function (e) { return [position[e[0]], position[e[1]], e[2]]; });
    /* a study is drawn beside the claims of this page it is linked to, not where the whole
       map put it among all the claims citing it */
    const near = {};
    edges.forEach(function (e) { (near[e[1]] = near[e[1]] || []).push(e[0]); });
    const nodes = order.map(function (i, n) {
      const raw = Object.assign({}, data.nodes[i]);
      const linked = near[n];
      if (linked && n >= claims.length) {
        let x = 0, y = 0;
        linked.forEach(function (m) { x += data.nodes[order[m]].x; y += data.nodes[order[m]].y; });
        const angle = 2.399963 * n; /* spread studies of the same claims round them */
        raw.x = Math.round(x / linked.length + 60 * Math.cos(angle));
        raw.y = Math.round(y / linked.length + 60 * Math.sin(angle));
      }
      return raw;
    });
    return Object.assign({}, data, { nodes: nodes, edges: edges, pages: undefined });
  }

  function drawOverview(key, container, overview, vis, open) {
    const colours = palette(container, overview);
    const nodes = new vis.DataSet(overview.nodes.map(function (raw) {
      return { id: raw.id, title: raw.t, x: raw.x, y: raw.y, shape: "dot", size: raw.size,
        color: nodeColour(colours["--gb-study-fill"], colours) };
    }));
    const edges = new vis.DataSet([]);
    const network = new vis.Network(container, { nodes: nodes, edges: edges },
      networkOptions(colours, overview.nodes.length, 1));
    const entry = {
      key: key, container: container, network: network, nodes: nodes, edges: edges, meta: {}, index: {},
      data: overview, colours: colours, factor: 1, panel: null, moving: false,
      labelOrder: overview.nodes.map(function (raw, i) { return i; }),
      nodeShown: overview.nodes.map(function () { return true; }), edgeShown: [],
    };
    entry.nodeRadius = function (raw) { return raw.size * entry.factor; };
    overview.nodes.forEach(function (raw, i) { entry.meta[raw.id] = raw; entry.index[raw.id] = i; });
    /* no page is drawn smaller than a few pixels, however far out the zoom (and no larger:
       the labels of a thousand pages need the room) */
    const smallest = Math.min.apply(null, overview.nodes.map(function (raw) { return raw.size; }).concat([CLAIM_SIZE]));
    const resize = function () {
      const factor = Math.max(1, 3 / (smallest * network.getScale()));
      if (Math.abs(factor - entry.factor) / entry.factor < 0.1) return;
      entry.factor = factor;
      nodes.update(overview.nodes.map(function (raw) { return { id: raw.id, size: raw.size * factor }; }));
    };
    let rest = null;
    network.on("zoom", function () { window.clearTimeout(rest); rest = window.setTimeout(resize, 150); });
    drawn.push(entry);
    api.networks[key] = network;
    api.datasets[key] = { nodes: nodes, edges: edges, meta: entry.meta };
    network.on("click", function (params) {
      if (params.nodes.length === 1) open(Number(String(params.nodes[0]).slice("page:".length)));
    });
    network.on("afterDrawing", function (ctx) { drawLabels(entry, ctx); });
    container.dataset.gbNodes = String(overview.nodes.length);
    container.dataset.gbEdges = "0";
    network.once("afterDrawing", function () { container.dataset.gbReady = "1"; });
    network.fit({ animation: false });
    resize();
    return entry;
  }

  /* The map's search ranks a node by its label (the whole of it, then its start, then within
     it), then by anywhere in the node's text. */
  function rankedMatches(nodes, query) {
    const ranked = [];
    nodes.forEach(function (raw, i) {
      const label = String(raw.l).toLowerCase();
      let rank = -1;
      if (label === query || raw.id.toLowerCase() === query) rank = 0;
      else if (label.indexOf(query) === 0) rank = 1;
      else if (label.indexOf(query) >= 0) rank = 2;
      else if (searchText(raw).indexOf(query) >= 0) rank = 3;
      if (rank >= 0) ranked.push([rank, i, raw.id]);
    });
    ranked.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    return ranked.map(function (r) { return r[2]; });
  }

  function setupPagedMap(container, page, data, vis) {
    const filters = page.querySelector("form.gb-map-filters");
    const search = page.querySelector("form.gb-map-search");
    const status = page.querySelector(".gb-map-status");
    const panel = page.querySelector(".gb-map-selection");
    const fit = page.querySelector(".gb-map-fit");
    const full = page.querySelector(".gb-map-fullscreen");
    const key = container.id || "map";
    const numbers = pageNumbers(data);
    const overview = pageOverview(data, numbers);
    const index = {};
    data.nodes.forEach(function (raw, i) { index[raw.id] = i; });
    let entry = null;
    const tell = function (message) { if (status) status.textContent = message; };
    const showPages = function () {
      forgetOne(key);
      delete container.dataset.gbPage;
      entry = drawOverview(key, container, overview, vis, openPage);
      container.dataset.gbState = "drawn";
      if (fit) fit.hidden = true;
      if (panel) panel.hidden = true;
      tell("The map of " + data.nodes.length + " claims and studies is drawn by page: " + overview.nodes.length +
        " pages hold claims. Open one (click or tap it, or find a claim or study) to see its claims and their studies.");
    };
    function openPage(number) {
      if (!numbers.claims[number] || !numbers.claims[number].length) return;
      forgetOne(key);
      delete container.dataset.gbReady;
      entry = draw(key, container, pageGraph(data, numbers.claims[number]), vis, panel);
      container.dataset.gbPage = String(number);
      if (fit) { fit.hidden = false; fit.textContent = "Show all pages"; }
      if (filters) applyFilters(entry, filters, null);
      tell("Showing the claims of \u201c" + data.pages[number] + "\u201d and their studies.");
    }
    const pageOf = function (id) {
      const i = index[id];
      if (i === undefined) return undefined;
      const raw = data.nodes[i];
      return raw.pg !== undefined ? raw.pg : numbers.studyPage[i];
    };
    const show = function (id) {
      const number = pageOf(id);
      if (number === undefined) return false;
      if (container.dataset.gbPage !== String(number)) openPage(number);
      return select(entry, panel, id);
    };
    if (filters) {
      const update = function () {
        if (container.dataset.gbPage !== undefined) applyFilters(entry, filters, status);
      };
      filters.addEventListener("change", update);
      filters.addEventListener("reset", function () { window.setTimeout(update, 0); });
    }
    if (fit) fit.addEventListener("click", showPages);
    if (full) {
      full.hidden = false;
      full.addEventListener("click", function () {
        if (typeof container.requestFullscreen !== "function") {
          container.classList.toggle("gb-map-full");
        } else if (document.fullscreenElement) {
          document.exitFullscreen();
        } else {
          container.requestFullscreen();
        }
        window.setTimeout(function () { entry.network.fit({ animation: false }); }, 50);
      });
    }
    if (search && status) {
      const input = search.querySelector("input[type='search'], input[name='q']");
      let last = { query: null, matches: [], at: -1 };
      search.addEventListener("submit", function (event) {
        event.preventDefault();
        const query = input.value.trim().toLowerCase();
        if (!query) { tell("Type a name, a year or words to find."); return; }
        if (query !== last.query) last = { query: query, matches: rankedMatches(data.nodes, query), at: -1 };
        if (!last.matches.length) {
          tell("Nothing on the map matches \u201c" + input.value.trim() + "\u201d.");
          return;
        }
        last.at = (last.at + 1) % last.matches.length;
        const id = last.matches[last.at];
        if (!show(id)) { tell("The match is hidden by the filters; use \u201cShow everything\u201d."); return; }
        tell("Match " + (last.at + 1) + " of " + last.matches.length + ": " + data.nodes[index[id]].l +
          (last.matches.length > 1 ? ". Press Find again for the next." : "."));
      });
    }
    showPages();
    const fromHash = function () {
      const id = hashNode();
      if (id && index[id] !== undefined && show(id)) container.scrollIntoView({ block: "center" });
    };
    fromHash();
    window.addEventListener("hashchange", fromHash);
  }

  /* A map or a graph that could not be drawn says so, and where the same facts are. */
  function failed(container, message) {
    container.dataset.gbState = "failed";
    const note = document.createElement("p");
    note.className = "gb-map-failed";
    note.textContent = message;
    container.after(note); /* not inside role=img, whose content is not read out */
  }

  /* Full screen, and back to the whole map; both only where the map has been drawn. */
  function setupTools(page, entry) {
    const full = page.querySelector(".gb-map-fullscreen");
    const fit = page.querySelector(".gb-map-fit");
    const container = entry.container;
    if (fit) {
      fit.hidden = false;
      fit.addEventListener("click", function () { entry.network.fit({ animation: false }); });
    }
    if (!full) return;
    full.hidden = false;
    const native = typeof container.requestFullscreen === "function";
    full.addEventListener("click", function () {
      if (native && !document.fullscreenElement) { container.requestFullscreen(); return; }
      if (native && document.fullscreenElement) { document.exitFullscreen(); return; }
      container.classList.toggle("gb-map-full");
      entry.network.fit({ animation: false });
    });
    document.addEventListener("fullscreenchange", function () {
      full.textContent = document.fullscreenElement === container ? "Leave full screen" : "Full screen";
      window.setTimeout(function () { entry.network.fit({ animation: false }); }, 50);
    });
  }

  /* -- local graphs ----------------------------------------------------------------- */

  /* A node and its neighbours (depth 1: a claim with its studies, a study with the claims
     citing it), drawn as a small star, centre first and the rest round it in the map's
     order; or with the neighbours' neighbours too (depth 2: a claim with the other claims
     its studies are cited for), where the map's own positions keep them apart. The map's
     links are relative to the map's page, so each is made absolute here. */
  function neighbourhood(map, mapUrl, centre, depth) {
    const index = {};
    map.nodes.forEach(function (raw, i) { index[raw.id] = i; });
    const start = index[centre];
    if (start === undefined) return null;
    const around = {};
    map.edges.forEach(function (e) {
      (around[e[0]] = around[e[0]] || []).push(e[1]);
      (around[e[1]] = around[e[1]] || []).push(e[0]);
    });
    const keep = new Set([start]);
    (around[start] || []).forEach(function (n) {
      keep.add(n);
      if (depth > 1) (around[n] || []).forEach(function (m) { keep.add(m); });
    });
    const order = Array.from(keep);
    if (depth > 1) order.sort(function (a, b) { return (a !== start) - (b !== start) || a - b; });
    const position = {};
    order.forEach(function (i, n) { position[i] = n; });
    const ring = order.length - 1;
    const radius = Math.max(150, 60 * ring / (2 * Math.PI));
    const nodes = order.map(function (i, n) {
      const raw = Object.assign({}, map.nodes[i]);
      raw.u = new URL(raw.u, mapUrl).href;
      if (depth === 1) {
        const angle = -Math.PI / 2 + 2 * Math.PI * (n - 1) / ring;
        raw.x = n === 0 ? 0 : Math.round(radius * Math.cos(angle));
        raw.y = n === 0 ? 0 : Math.round(radius * Math.sin(angle));
      }
      return raw;
    });
    const edges = map.edges.filter(function (e) { return keep.has(e[0]) && keep.has(e[1]); })
      .map(function (e) { return [position[e[0]], position[e[1]], e[2]]; });
    return Object.assign({}, map, { nodes: nodes, edges: edges, c: centre });
  }

  const LOCAL_HINT = "Circles are claims, filled by how sure we can be of them and outlined by " +
    "what the evidence says; other shapes are studies, larger for stronger designs; a line's " +
    "colour and dashes give the study's stance, as in the evidence map's legend. Click a node " +
    "to open it; on a touch screen, tap it to read it and tap again to open it.";

  function forgetOne(key) {
    for (let i = drawn.length - 1; i >= 0; i -= 1) {
      if (drawn[i].key !== key) continue;
      drawn[i].network.destroy();
      delete api.networks[key];
      delete api.datasets[key];
      drawn.splice(i, 1);
    }
  }

  function setupLocal(details) {
    const container = details.querySelector(".gb-graph[data-node][data-map]");
    if (!container) return;
    const key = container.dataset.graph;
    const box = details.querySelector(".gb-depth input");
    const notDrawn = function () {
      failed(container, "The graph could not be drawn here. The table above lists the same links in words.");
    };
    const open = function () {
      if (!details.open || container.dataset.gbState) return;
      container.dataset.gbState = "loading";
      const mapUrl = new URL(container.dataset.map, document.baseURI).href;
      /* Load failures are shown in the page; a bug after loading stays an error in the console. */
      Promise.all([loadMap(mapUrl), loadVis()]).then(function (loaded) {
        const near = neighbourhood(loaded[0], mapUrl, container.dataset.node, 1);
        if (!near) { notDrawn(); return; } /* the map is older than the page */
        draw(key, container, near, loaded[1]);
        container.dataset.gbState = "drawn";
        const hint = document.createElement("p");
        hint.className = "gb-graph-hint";
        hint.textContent = LOCAL_HINT;
        container.after(hint);
        if (!box) return;
        box.closest(".gb-depth").hidden = false;
        let wide = null;
        box.addEventListener("change", function () {
          wide = wide || neighbourhood(loaded[0], mapUrl, container.dataset.node, 2);
          forgetOne(key);
          draw(key, container, box.checked ? wide : near, loaded[1]);
        });
      }, notDrawn);
    };
    details.addEventListener("toggle", open);
    open();
  }

  /* -- citation exports: copy a study's citation; the claims index's downloads -------- */

  function say(status, message) {
    if (!status) return;
    status.textContent = ""; /* cleared first, so that the same message is announced again */
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) { /* file:// and plain http: the older way */
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      let done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      area.remove();
      if (done) resolve(); else reject(new Error("copy refused"));
    });
  }

  /* The button is in the page but hidden: without this script there is nothing to press. */
  function setupCopy(button) {
    const source = document.getElementById(button.dataset.gbCopy);
    const status = button.parentNode.querySelector(".gb-copy-status");
    if (!source) return;
    button.hidden = false;
    /* the reference as the page shows it, and its link as the style writes it */
    const text = source.textContent.replace(/\s+/g, " ").trim() + (button.dataset.gbCopyTail || "");
    button.addEventListener("click", function () {
      copyText(text).then(function () {
        say(status, "Citation copied.");
      }, function () {
        say(status, "Could not copy: select the citation above and copy it.");
      });
    });
  }

  function shownRows(table) {
    const body = table.tBodies[0];
    if (!body) return [];
    return Array.prototype.filter.call(body.rows, function (row) {
      return !row.hidden && row.getClientRects().length > 0;
    });
  }

  /* Joins the studies' own files, in the order of the rows shown and of each claim's studies. */
  function joinExports(texts, each) {
    if (/\.json$/.test(each)) {
      const items = [];
      texts.forEach(function (text) { JSON.parse(text).forEach(function (item) { items.push(item); }); });
      if (!items.length) return "[]\n";
      return "[\n" + items.map(function (item) { return JSON.stringify(item); }).join(",\n") + "\n]\n";
    }
    return texts.join(/\.ris$/.test(each) ? "\r\n" : "\n");
  }

  /* Every row shown: the plain link, to the file of every claim's references. Some rows
     hidden (by a filter of the claims index): the references behind the rows shown, from
     each study's own file of the same format, offered as a file made in the browser (not
     zipped, where the site zips its whole lists). */
  function setupClaimsDownloads(box) {
    const table = document.querySelector(box.dataset.gbClaimsTable);
    const data = box.querySelector("script.gb-claim-studies");
    if (!table || !data) return;
    const studies = JSON.parse(data.textContent);
    box.querySelectorAll("a[data-gb-each]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        const rows = shownRows(table);
        if (rows.length === table.tBodies[0].rows.length) return;
        event.preventDefault();
        const slugs = [];
        const seen = {};
        rows.forEach(function (row) {
          (studies[row.id] || []).forEach(function (slug) {
            if (!seen[slug]) { seen[slug] = true; slugs.push(slug); }
          });
        });
        const each = link.dataset.gbEach;
        Promise.all(slugs.map(function (slug) {
          const url = new URL(each.replace("{slug}", encodeURIComponent(slug)), document.baseURI).href;
          return fetch(url).then(function (response) {
            if (!response.ok) throw new Error("HTTP " + response.status);
            return response.text();
          });
        })).then(function (texts) {
          const file = new Blob([joinExports(texts, each)], { type: "application/octet-stream" });
          const save = document.createElement("a");
          save.href = URL.createObjectURL(file);
          save.download = link.getAttribute("href").split("/").pop().replace(/\.zip$/, "");
          document.body.appendChild(save);
          save.click();
          save.remove();
          window.setTimeout(function () { URL.revokeObjectURL(save.href); }, 10000);
        }, function () {
          window.location.assign(link.href); /* a study's file is missing: every claim's, then */
        });
      });
    });
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

  /* -- a claim printed alone: its card's "Print this claim" ------------------------------
     The page's print stylesheet leaves out everything but the card while the page is
     marked (gb-print-one, the card gb-print-this, the elements round it gb-print-path);
     the marks go once the browser has printed. */
  function setupPrintCard(control) {
    const card = control.closest(".gb-card");
    const button = control.querySelector("button");
    if (!card || !button || typeof window.print !== "function") return;
    control.hidden = false;
    button.addEventListener("click", function () { printAlone(card); });
  }

  function printAlone(card) {
    const root = document.documentElement;
    const around = [];
    for (let el = card.parentElement; el && !el.matches("article, body"); el = el.parentElement) around.push(el);
    around.forEach(function (el) { el.classList.add("gb-print-path"); });
    card.classList.add("gb-print-this");
    root.classList.add("gb-print-one");
    const done = function () {
      window.removeEventListener("afterprint", done);
      root.classList.remove("gb-print-one");
      card.classList.remove("gb-print-this");
      around.forEach(function (el) { el.classList.remove("gb-print-path"); });
    };
    window.addEventListener("afterprint", done);
    window.print();
  }

  /* -- a skip link where the theme's slot for it is empty -----------------------------
     Material writes "Skip to content" only on a page whose table of contents has an entry,
     and graphbuild's generated pages are filled in after the theme has rendered them: on
     those the slot gets a link to the page's title, as the theme's own would be. */
  function addSkipLink() {
    const slot = document.querySelector("[data-md-component='skip']");
    const article = document.querySelector("article.md-content__inner") || document.querySelector("main");
    if (!slot || slot.querySelector("a[href]") || !article) return;
    const target = article.querySelector("h1") || article;
    if (!target.id) target.id = "gb-content";
    if (!target.hasAttribute("tabindex")) target.tabIndex = -1;
    const link = document.createElement("a");
    link.className = "md-skip gb-skip-link";
    link.href = "#" + target.id;
    link.textContent = "Skip to content";
    slot.appendChild(link);
  }

  /* -- the navigation drawer, closed, out of the keyboard's way ----------------------
     Where the navigation is a drawer (the theme's breakpoint), its links took the focus
     off the screen while it was closed. a11y.css hides it; Zensical's theme shows its
     nested menus whatever the drawer's visibility, so the closed drawer is also inert. */
  function keepClosedDrawerInert() {
    const toggle = document.getElementById("__drawer");
    const drawer = document.querySelector(".md-sidebar--primary");
    if (!toggle || !drawer || drawer.dataset.gbBound) return;
    drawer.dataset.gbBound = "1";
    const narrow = window.matchMedia("(max-width: 76.234375em)");
    const update = function () { drawer.inert = narrow.matches && !toggle.checked; };
    toggle.addEventListener("change", update);
    if (narrow.addEventListener) narrow.addEventListener("change", update);
    update();
  }

  function scan() {
    forget();
    addSkipLink();
    keepClosedDrawerInert();
    document.querySelectorAll(".gb-map[data-src]").forEach(function (container) {
      if (!container.dataset.gbState) setupMap(container);
    });
    document.querySelectorAll("details.gb-local-graph").forEach(function (details) {
      if (details.dataset.gbBound) return;
      details.dataset.gbBound = "1";
      setupLocal(details);
    });
    document.querySelectorAll(".gb-claims-page").forEach(function (page) {
      if (page.dataset.gbBound) return;
      page.dataset.gbBound = "1";
      setupIndex(page);
    });
    document.querySelectorAll(".gb-print-control").forEach(function (control) {
      if (control.dataset.gbBound) return;
      control.dataset.gbBound = "1";
      setupPrintCard(control);
    });
    document.querySelectorAll("button.gb-copy[data-gb-copy], .gb-claims-downloads").forEach(function (element) {
      if (element.dataset.gbBound) return;
      element.dataset.gbBound = "1";
      if (element.matches("button")) setupCopy(element); else setupClaimsDownloads(element);
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

  /* -- the claims index: filter and sort its rows ---------------------------------------
     The whole table stands without this script. Each row carries its values as data
     attributes; the filters' state lives in the address (?direction=contested&type=...), so
     the counts above the table and any bookmark open the filtered view. */

  function setupIndex(page) {
    const form = page.querySelector(".gb-index-filters");
    const body = page.querySelector("table.gb-claims tbody");
    const status = page.querySelector(".gb-index-status");
    if (!form || !body) return;
    const rows = Array.prototype.slice.call(body.rows);
    const selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    const many = {};
    selects.forEach(function (select) { if (select.hasAttribute("data-gb-many")) many[select.name] = true; });
    const sorts = {
      "": function (a, b) { return Number(a.dataset.order) - Number(b.dataset.order); },
      certainty: function (a, b) { return Number(b.dataset.certaintyRank) - Number(a.dataset.certaintyRank); },
      "-certainty": function (a, b) { return Number(a.dataset.certaintyRank) - Number(b.dataset.certaintyRank); },
      direction: function (a, b) { return Number(a.dataset.directionRank) - Number(b.dataset.directionRank); },
    };

    function apply(push) {
      const wanted = {};
      let order = "";
      selects.forEach(function (select) {
        if (select.name === "sort") order = select.value;
        else if (select.value) wanted[select.name] = select.value;
      });
      let shown = 0;
      rows.forEach(function (row) {
        const match = Object.keys(wanted).every(function (name) {
          if (!many[name]) return row.dataset[name] === wanted[name];
          return (row.dataset[name] || "").split(" ").indexOf(wanted[name]) >= 0; /* any of its values */
        });
        row.hidden = !match;
        if (match) shown += 1;
      });
      const compare = sorts[order] || sorts[""];
      rows.slice().sort(function (a, b) { return compare(a, b) || sorts[""](a, b); })
        .forEach(function (row) { body.appendChild(row); });
      if (status) {
        status.textContent = shown === rows.length ? "Showing all " + rows.length + " claims."
          : "Showing " + shown + " of " + rows.length + " claims.";
      }
      if (push) {
        const params = new URLSearchParams();
        selects.forEach(function (select) { if (select.value) params.set(select.name, select.value); });
        const query = params.toString();
        history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
      }
    }

    const params = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      const value = params.get(select.name);
      if (value !== null && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
        select.value = value;
      }
    });
    form.hidden = false;
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
    page.querySelectorAll(".gb-index-counts a").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        const chosen = new URLSearchParams(link.getAttribute("href").slice(1));
        selects.forEach(function (select) { select.value = chosen.get(select.name) || ""; });
        apply(true);
      });
    });
    apply(false);
  }
})();
