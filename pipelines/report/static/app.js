// The reading room: five views over data files written by pipelines/report/room.py.
// Each data file is a script calling RR.put(key, data); a view loads only the files it
// shows. Text from articles is only ever set as text (never as HTML).
"use strict";
(function () {
  const ROOM = document.documentElement.dataset.room;
  const PAGE_DAYS = 7; // days shown at once; room.py's _FIRST_VIEW_DAYS measures the same
  const LIST_PAGE = 200;
  const FACETS = [
    ["a", "actor"], ["p", "actor pair"], ["t", "type"], ["m", "modality"], ["c", "country"],
  ];
  const QUAD = { 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict" };
  const SOURCING = { named: "on the record", anonymous: "anonymous sources only", outlet: "outlet's own reporting" };
  const BASIS = { stated: "stated", context: "from the story's context", published: "publication date" };

  // ---- loading -------------------------------------------------------------------------
  const store = {};
  const waiting = {};
  window.RR = {
    put(key, data) {
      store[key] = data;
      (waiting[key] || []).forEach((w) => w[0](data));
      delete waiting[key];
    },
  };
  function need(key) {
    if (key in store) return Promise.resolve(store[key]);
    return new Promise((resolve, reject) => {
      if (!waiting[key]) {
        waiting[key] = [];
        const s = document.createElement("script");
        s.src = ROOM + "/" + key.split("/").map(encodeURIComponent).join("/") + ".js";
        s.onerror = () => {
          (waiting[key] || []).forEach((w) => w[1](new Error("cannot load " + key)));
          delete waiting[key];
        };
        document.head.appendChild(s);
      }
      waiting[key].push([resolve, reject]);
    });
  }

  // ---- DOM helpers ---------------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    add(el, children);
    return el;
  }
  function add(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  const view = () => document.getElementById("view");
  function show(...children) {
    const v = view();
    v.replaceChildren();
    add(v, children);
  }
  function readerLink(article, kind, id, label) {
    const target = "#/reader/" + article + (kind ? "/" + kind + "/" + id : "");
    return h("a", { href: target, class: "reader-link" }, label || "read");
  }
  function badge(text, cls) {
    return h("span", { class: "badge " + (cls || "") }, text);
  }
  function more(list, what) {
    return list.total > list.rows.length
      ? h("p", { class: "muted" }, `… and ${list.total - list.rows.length} more ${what}.`)
      : null;
  }
  function fmtDay(day) {
    if (!day || day === "undated") return "no date";
    const d = new Date(day + "T00:00:00Z");
    return d.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  }
  function sqlBox(sql) {
    return h("pre", { class: "sql" }, ".venv/bin/eventwire sql \"" + sql + "\"");
  }

  // ---- routing -------------------------------------------------------------------------
  let index = null;
  const routes = { timeline: timelineView, reader: readerView, sources: sourcesView, new: newView, map: mapView };
  function route() {
    const [name, ...rest] = (location.hash.replace(/^#\/?/, "") || "timeline").split("/");
    const render = routes[name] || timelineView;
    document.querySelectorAll("#tabs a").forEach((a) =>
      a.classList.toggle("active", a.dataset.view === (routes[name] ? name : "timeline")));
    render(rest.map(decodeURIComponent)).catch((err) => show(h("p", { class: "error" }, String(err))));
  }

  // ---- 1. story timeline ---------------------------------------------------------------
  const filters = {}; // facet kind -> facet key
  let shownDays = PAGE_DAYS;

  async function timelineView(args) {
    if (args[0]) { // #/timeline/c:VEN sets one filter (the map links here)
      for (const k of Object.keys(filters)) delete filters[k];
      filters[args[0].split(":")[0]] = args[0];
    }
    const bar = h("div", { class: "filters", id: "filters" });
    for (const [kind, label] of FACETS) {
      const options = (index.facets[kind] || []).map(([key, text, n]) =>
        h("option", { value: key, selected: filters[kind] === key }, `${text} (${n})`));
      bar.appendChild(h("label", {}, label + " ",
        h("select", { "data-facet": kind, onchange: (e) => setFilter(kind, e.target.value) },
          h("option", { value: "" }, "any " + label), options)));
    }
    bar.appendChild(h("button", { onclick: () => { for (const k of Object.keys(filters)) delete filters[k]; shownDays = PAGE_DAYS; route(); } }, "clear"));
    const days = candidateDays();
    const shown = days.slice(Math.max(0, days.length - shownDays));
    const list = h("div", { id: "days" });
    show(
      bar,
      h("p", { class: "muted", id: "day-count" },
        `${days.length} day(s) with matching events; the latest ${shown.length} shown, oldest first. ` +
        "Each card is one real-world event, with every article that reports it."),
      days.length > shown.length
        ? h("button", { class: "earlier", onclick: () => { shownDays += PAGE_DAYS; route(); } }, "show earlier days")
        : null,
      list,
    );
    const pages = await Promise.all(shown.map((d) => need("days/" + d)));
    const selected = Object.values(filters);
    let cards = 0;
    for (const page of pages) {
      const matching = page.cards.filter((c) => selected.every((k) => c.f.includes(k)));
      if (!matching.length) continue;
      cards += matching.length;
      list.appendChild(h("section", { class: "day", "data-day": page.day },
        h("h2", {}, fmtDay(page.day), h("small", {}, ` ${matching.length} event(s)`)),
        matching.map((c) => eventCard(c, page.articles))));
    }
    if (!cards) list.appendChild(h("p", { class: "muted" }, "No event matches these filters."));
  }
  function setFilter(kind, key) {
    if (key) filters[kind] = key; else delete filters[kind];
    shownDays = PAGE_DAYS;
    if (location.hash.startsWith("#/timeline/")) location.hash = "#/timeline"; else route();
  }
  function candidateDays() {
    let idx = index.days.map((_, i) => i);
    for (const key of Object.values(filters)) {
      const allowed = new Set(index.facet_days[key] || []);
      idx = idx.filter((i) => allowed.has(i));
    }
    return idx.map((i) => index.days[i][0]);
  }
  function actorName(pair, text) {
    return pair && pair[1] ? pair[1] : (text || "?");
  }
  function eventCard(c, articles) {
    const m0 = c.m[0];
    const tolls = Object.entries(c.tolls).map(([k, v]) => `${k} ${v}`).join(", ");
    return h("article", { class: "card q" + c.quad, "data-cluster": c.id, "data-f": c.f.join(" ") },
      h("div", { class: "who" },
        badge(c.type, "type"), " ",
        h("b", {}, actorName(c.a1, m0.a1)), " ", h("i", {}, m0.tr), " ",
        c.a2[1] || m0.a2 ? ["→ ", h("b", {}, actorName(c.a2, m0.a2))] : null,
        m0.mo !== "asserted" ? [" ", badge(m0.mo, "modality")] : null),
      h("div", { class: "facts" },
        h("span", {}, "When: ", dateText(m0.date)),
        h("span", {}, "Where: ", placeText(m0.loc, c)),
        tolls ? h("span", { class: "toll" }, "Toll: ", tolls,
          c.articles > 1 ? " (lowest figure across articles)" : "") : null,
        h("span", {}, "Sourcing: ", badge(SOURCING[c.src], "src-" + c.src)),
        c.outlets.length ? h("span", {}, "Outlets: ", c.outlets.join(", ")) : null),
      h("details", { open: c.m.length <= 2 },
        h("summary", {}, `${c.m.length} mention(s) in ${c.articles} article(s)`),
        h("ul", { class: "mentions" }, c.m.map((m) => mention(m, articles[m.art])))));
  }
  function dateText(d) {
    const [date, end, precision, basis, text] = d;
    if (!date) return "unknown";
    const how = [precision, BASIS[basis] || basis].filter(Boolean).join(", ");
    return `${date}${end && end !== date ? " to " + end : ""} (${how}${text ? `: “${text}”` : ""})`;
  }
  function placeText(loc, card) {
    const [text, country, basis] = loc;
    if (!text && !country && !card.country) return "unknown";
    return [text || card.place || "", country || card.country ? ` ${country || card.country}` : "",
      basis ? ` (${basis})` : ""].join("").trim();
  }
  function mention(m, art) {
    const [title, outlet, published] = art || ["?", "", ""];
    return h("li", {},
      h("div", {}, readerLink(m.art, "e", m.id, title || "(untitled)"),
        h("span", { class: "muted" }, ` ${outlet || ""} ${published || ""}`),
        m.q.length ? h("span", { class: "toll" }, " · " + m.q.map((q) => q[3]).join("; ")) : null),
      m.claim ? claimLine(m.claim) : h("div", { class: "muted" }, "in the outlet's own voice"));
  }
  function claimLine(c) {
    return h("div", { class: "claim" },
      badge(c.anon ? "anonymous" : "on the record", c.anon ? "src-anonymous" : "src-named"), " ",
      h("b", {}, c.sp || "(unnamed)"), c.via ? ` via ${c.via}` : "", ` ${c.stance}: `,
      h("q", {}, c.ct || ""), " ", readerLink(c.art, "c", c.id, "claim"));
  }

  // ---- 2. article reader ---------------------------------------------------------------
  const KINDS = {
    e: ["event", "events"], c: ["claim cue", "claims"], t: ["claim content", "claims"],
    q: ["quantity", "quantities"], d: ["date phrase", "events"], l: ["place phrase", "events"],
  };
  let listQuery = "";
  async function readerView(args) {
    const [aid, kind, id] = args;
    const list = await need("article-list");
    const side = h("aside", { class: "article-list" });
    const search = h("input", { type: "search", placeholder: "filter by title or outlet", value: listQuery,
      oninput: (e) => { listQuery = e.target.value; fill(); } });
    const ul = h("ul", {});
    function fill() {
      const q = listQuery.toLowerCase();
      const rows = list.filter((a) => !q || (a[1] || "").toLowerCase().includes(q) || (a[2] || "").toLowerCase().includes(q));
      ul.replaceChildren(...rows.slice(0, LIST_PAGE).map((a) => h("li", { class: a[0] === aid ? "current" : "" },
        h("a", { href: "#/reader/" + a[0] }, a[1] || "(untitled)"),
        h("div", { class: "muted" }, `${a[3] || "no date"} · ${a[2] || "?"} · ${a[4]} events, ${a[5]} claims, ${a[6]} figures`,
          a[7] ? " · near-duplicate" : ""))));
      if (rows.length > LIST_PAGE) ul.appendChild(h("li", { class: "muted" }, `${rows.length - LIST_PAGE} more: narrow the filter`));
    }
    fill();
    add(side, [search, ul]);
    const main = h("div", { class: "reader" });
    show(h("div", { class: "reader-layout" }, side, main));
    if (!aid) {
      main.appendChild(h("p", { class: "muted" }, "Pick an article: its text opens with its events, claims and figures marked."));
      return;
    }
    const art = await need("articles/" + aid);
    renderArticle(main, art, kind, id);
  }

  function renderArticle(main, art, kind, id) {
    const detail = h("div", { class: "detail", id: "detail" }, h("p", { class: "muted" }, "Click a marked word to see its row."));
    const hidden = new Set();
    const legend = h("div", { class: "legend" }, Object.entries(KINDS).map(([k, [label]]) =>
      h("label", { class: "k-" + k }, h("input", { type: "checkbox", checked: true,
        onchange: (e) => { e.target.checked ? hidden.delete(k) : hidden.add(k); text.classList.toggle("hide-" + k, !e.target.checked); } }), " " + label)));
    const text = h("div", { class: "text", id: "article-text" });
    const segments = paint(text, art);
    main.replaceChildren(
      h("h2", {}, art.title || "(untitled)"),
      h("p", { class: "meta" }, [art.outlet, art.published && `published ${art.published} (${art.published_source})`,
        art.dateline && `dateline ${art.dateline}`, art.author, art.language].filter(Boolean).join(" · ")),
      h("p", { class: "meta muted" }, `source ${art.source} · first read ${art.ingested_at || "?"}`,
        art.url ? ` · ${art.url}` : "", art.duplicate_of ? [" · near-duplicate of ", readerLink(art.duplicate_of, null, null, art.duplicate_of)] : ""),
      h("p", { class: "meta" }, `${art.events.length} events, ${art.claims.length} claims, ${art.quantities.length} figures`),
      legend,
      h("div", { class: "reader-body" }, text, detail));
    text.addEventListener("click", (e) => {
      const seg = e.target.closest("[data-spans]");
      if (!seg) return;
      const covering = seg.dataset.spans.split(",").map(Number).map((i) => art.spans[i])
        .filter((s) => !hidden.has(s[2]));
      if (!covering.length) return;
      covering.sort((a, b) => (a[1] - a[0]) - (b[1] - b[0]));
      select(art, covering[0], segments, detail);
    });
    if (kind) {
      const key = { e: "events", c: "claims", q: "quantities" }[kind];
      const i = (art[key] || []).findIndex((r) => r.id === id);
      const span = art.spans.find((s) => s[2] === kind && art[key][s[3]] === art[key][i]);
      if (span) select(art, span, segments, detail, true);
    }
  }

  // Cut the text at every span boundary; each piece lists the spans covering it.
  function paint(container, art) {
    const cuts = new Set([0, art.text.length]);
    art.spans.forEach((s) => { cuts.add(s[0]); cuts.add(s[1]); });
    const points = [...cuts].filter((p) => p >= 0 && p <= art.text.length).sort((a, b) => a - b);
    const segments = [];
    for (let j = 0; j + 1 < points.length; j++) {
      const [a, b] = [points[j], points[j + 1]];
      const covering = [];
      art.spans.forEach((s, i) => { if (s[0] <= a && s[1] >= b) covering.push(i); });
      const piece = art.text.slice(a, b);
      if (!covering.length) { container.appendChild(document.createTextNode(piece)); continue; }
      const kinds = new Set(covering.map((i) => art.spans[i][2]));
      // data-rows names the rows marked here ("e:<event_id> t:<claim_id>"): what a test checks.
      const rows = covering.map((i) => { const [, , k, n] = art.spans[i]; return k + ":" + art[KINDS[k][1]][n].id; });
      const el = h("span", { class: "hl " + [...kinds].map((k) => "k-" + k).join(" "), "data-spans": covering.join(","), "data-rows": rows.join(" ") }, piece);
      segments.push([el, covering]);
      container.appendChild(el);
    }
    return segments;
  }

  function select(art, span, segments, detail, scroll) {
    const i = art.spans.indexOf(span);
    segments.forEach(([el, covering]) => el.classList.toggle("sel", covering.includes(i)));
    const [, , kind, n] = span;
    const table = KINDS[kind][1];
    const row = art[table][n];
    const links = [];
    if (row.claim_id) {
      const c = art.claims.findIndex((x) => x.id === row.claim_id);
      if (c >= 0) links.push(h("button", { onclick: () => select(art, art.spans.find((s) => s[2] === "c" && s[3] === c), segments, detail, true) }, "show its claim"));
    }
    if (row.event_id) {
      const e = art.events.findIndex((x) => x.id === row.event_id);
      if (e >= 0) links.push(h("button", { onclick: () => select(art, art.spans.find((s) => s[2] === "e" && s[3] === e), segments, detail, true) }, "show its event"));
    }
    detail.replaceChildren(
      h("h3", {}, `${KINDS[kind][0]} → ${table} row`),
      h("table", { class: "row" }, Object.entries(row).map(([k, v]) =>
        h("tr", {}, h("th", {}, k), h("td", {}, v === null ? "" : String(v))))),
      ...links);
    const first = segments.find(([, covering]) => covering.includes(i));
    if (scroll && first) first[0].scrollIntoView({ block: "center" });
  }

  // ---- 3. sources ----------------------------------------------------------------------
  async function sourcesView() {
    const s = await need("sources");
    const share = s.claims ? Math.round((100 * s.anonymous) / s.claims) : 0;
    show(
      h("h2", {}, "Who said what"),
      h("p", {}, `${s.claims} claims, ${s.anonymous} (${share}%) from anonymous sources.`),
      h("table", { class: "grid" }, h("tr", {}, h("th", {}, "outlet"), h("th", {}, "on the record"), h("th", {}, "anonymous"), h("th", {}, "")),
        s.outlets.map((o) => h("tr", {}, h("td", {}, o.outlet), h("td", {}, o.named), h("td", {}, o.anonymous),
          h("td", {}, h("span", { class: "bar", style: `width:${Math.round(100 * o.anonymous / Math.max(1, o.named + o.anonymous))}px` }))))),
      h("h3", {}, "Speakers"),
      h("div", { id: "speakers" }, s.speakers.rows.map((sp) => h("details", { class: "speaker" },
        h("summary", {}, h("b", {}, sp.name), " ", badge(sp.anon ? "anonymous" : "named", sp.anon ? "src-anonymous" : "src-named"),
          ` ${sp.kind} · ${sp.n} claim(s) · ${Object.entries(sp.stances).map(([k, v]) => `${k} ${v}`).join(", ")}`,
          sp.outlets.length ? ` · in ${sp.outlets.join(", ")}` : "", sp.via.length ? ` · via ${sp.via.join(", ")}` : ""),
        h("ul", {}, sp.claims.map((c) => h("li", {}, `${c.day || ""} ${c.outlet || ""} · ${c.stance}: `, h("q", {}, c.ct || ""), " ", readerLink(c.art, "c", c.id, "read"))))))),
      more(s.speakers, "speakers"),
      h("h3", {}, "Events that rest only on anonymous sources"),
      h("ul", { id: "anonymous-only" }, s.anonymous_only.rows.map((e) => h("li", {},
        `${e.day} `, badge(e.type, "type"), ` ${e.a1 || "?"} ${e.tr} ${e.a2 || ""} `,
        e.mo !== "asserted" ? badge(e.mo, "modality") : null, " ", readerLink(e.art, "e", e.ev, "read"),
        e.claims.map((c) => h("div", { class: "muted" }, `${c.sp || "(unnamed)"}${c.via ? " via " + c.via : ""} in ${c.outlet || "?"}`))))),
      more(s.anonymous_only, "events"),
      sqlBox("SELECT event_date, event_type, actor1, actor2, trigger, outlets, reported_via FROM events_by_sourcing WHERE sourcing = 'anonymous_only'"),
      h("h3", {}, "Claims that contradict each other"),
      s.contradictions.rows.length ? null : h("p", { class: "muted" }, "No denial set against an accusation yet."),
      h("div", { id: "contradictions" }, s.contradictions.rows.map((p) => h("div", { class: "versus" },
        h("div", { class: "side accuse" }, sideOf(p.accusation)),
        h("div", { class: "side deny" }, sideOf(p.denial)),
        h("div", { class: "basis muted" }, `paired by: ${p.basis}`, p.about ? ` (${p.about})` : ""))),
      more(s.contradictions, "pairs")));
  }
  function sideOf(c) {
    return [h("div", {}, h("b", {}, c.sp || "(unnamed)"), " ", badge(c.stance, "stance"),
      c.anon ? [" ", badge("anonymous", "src-anonymous")] : null),
    h("q", {}, c.ct || ""),
    h("div", { class: "muted" }, `${c.outlet || "?"} ${c.day || ""} `, readerLink(c.art, "c", c.id, "read"))];
  }

  // ---- 4. what is new ------------------------------------------------------------------
  async function newView() {
    const n = await need("changes");
    const since = n.first ? "This is the first reading room of this warehouse: everything in it is new."
      : `Since the previous run's room (${n.since}).`;
    show(
      h("h2", {}, "What is new"),
      h("p", {}, since),
      h("p", { id: "new-counts" }, `${n.articles.total} new article(s), ${n.mentions} new event mention(s) in ${n.events.total} event(s), ${n.claims.total} new claim(s).`,
        n.removed.articles + n.removed.events + n.removed.claims
          ? ` Gone since: ${n.removed.articles} article(s), ${n.removed.events} event mention(s), ${n.removed.claims} claim(s).` : ""),
      n.since ? sqlBox(`SELECT title, outlet, published_date, ingested_at FROM articles WHERE ingested_at > TIMESTAMPTZ '${n.since}' ORDER BY ingested_at`) : null,
      h("h3", {}, "Tolls that changed"),
      n.tolls.length || n.running.length ? null : h("p", { class: "muted" }, "None."),
      h("ul", {}, n.tolls.map((t) => h("li", {}, `${t.day} `, badge(t.type, "type"), ` ${t.a1 || "?"} ${t.tr} ${t.a2 || ""}: ${t.kind} `,
        h("b", {}, `${t.before ?? "none"} → ${t.after ?? "none"}`), " ", readerLink(t.art, "e", t.ev, "read")))),
      h("ul", {}, n.running.map((t) => h("li", {}, `running total ${t.total}: `, h("b", {}, `${t.before} → ${t.after}`)))),
      h("h3", {}, "New articles"),
      h("ul", {}, n.articles.rows.map((a) => h("li", {}, readerLink(a[0], null, null, a[1] || "(untitled)"),
        h("span", { class: "muted" }, ` ${a[2] || ""} ${a[3] || ""} · first read ${a[4] || "?"}`)))),
      more(n.articles, "articles"),
      h("h3", {}, "Events with new mentions"),
      h("ul", {}, n.events.rows.map((e) => h("li", {}, `${e.day} `, badge(e.type, "type"), ` ${e.a1 || "?"} ${e.tr} ${e.a2 || ""} `,
        h("span", { class: "muted" }, `(${e.new} new mention(s))`), " ", readerLink(e.art, "e", e.ev, "read")))),
      more(n.events, "events"),
      h("h3", {}, "New claims"),
      h("ul", {}, n.claims.rows.map((c) => h("li", {}, claimLine(c)))),
      more(n.claims, "claims"));
  }

  // ---- 5. map --------------------------------------------------------------------------
  const W = 960, H = 440, TOP = 80, BOTTOM = -58; // latitudes shown
  const px = (lon) => ((lon + 180) / 360) * W;
  const py = (lat) => ((TOP - lat) / (TOP - BOTTOM)) * H;
  const NS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, ...children) {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
    children.flat().forEach((c) => c && el.appendChild(c instanceof Node ? c : document.createTextNode(c)));
    return el;
  }
  async function mapView() {
    const [world, m] = await Promise.all([need("world"), need("map")]);
    const most = Math.max(1, ...Object.values(m.countries));
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "map", role: "img" });
    root.appendChild(svg("rect", { x: 0, y: 0, width: W, height: H, class: "sea" }));
    for (let lon = -180; lon <= 180; lon += 30) root.appendChild(svg("line", { x1: px(lon), x2: px(lon), y1: 0, y2: H, class: "grid" }));
    for (let lat = -30; lat <= 60; lat += 30) root.appendChild(svg("line", { x1: 0, x2: W, y1: py(lat), y2: py(lat), class: "grid" }));
    for (const [iso, rings] of Object.entries(world.countries)) {
      const d = rings.map((r) => {
        let s = "";
        for (let i = 0; i < r.length; i += 2) s += (i ? "L" : "M") + px(r[i] / 10).toFixed(1) + "," + py(r[i + 1] / 10).toFixed(1);
        return s + "Z";
      }).join("");
      const n = m.countries[iso] || 0;
      const path = svg("path", { d, class: "land" + (n ? " has" : ""), "data-iso": iso,
        style: n ? `fill-opacity:${(0.25 + 0.6 * n / most).toFixed(2)}` : "" }, svg("title", {}, `${iso}: ${n} event mention(s)`));
      if (n) path.addEventListener("click", () => { location.hash = "#/timeline/c:" + iso; });
      root.appendChild(path);
    }
    const panel = h("div", { class: "map-panel" }, h("p", { class: "muted" }, "Click a dot for its events, a shaded country for its timeline."));
    for (const p of m.points) {
      const dot = svg("circle", { cx: px(p.lon).toFixed(1), cy: py(p.lat).toFixed(1), r: (2.5 + 2 * Math.sqrt(p.n)).toFixed(1), class: "dot" },
        svg("title", {}, `${p.label}: ${p.n} event mention(s)`));
      dot.addEventListener("click", () => panel.replaceChildren(
        h("h3", {}, `${p.label} (${p.country || "?"}, ${p.precision || "?"})`),
        h("p", {}, Object.entries(p.types).map(([t, n]) => `${t} ${n}`).join(", ")),
        h("ul", {}, p.events.map(([id, art, type, a1, a2, tr, day]) => h("li", {}, `${day || ""} `, badge(type, "type"),
          ` ${a1 || "?"} ${tr} ${a2 || ""} `, readerLink(art, "e", id, "read")))),
        p.country ? h("a", { href: "#/timeline/c:" + p.country }, `timeline of ${p.country}`) : null));
      root.appendChild(dot);
    }
    show(h("h2", {}, "Where events happened"),
      h("p", { class: "muted" }, `${m.points.length} place(s) with coordinates; countries shaded by event mentions. ` +
        "Outlines: Natural Earth 1:110m (public domain), simplified, shipped with eventwire."),
      h("div", { class: "map-layout" }, root, panel));
  }

  // ---- start ---------------------------------------------------------------------------
  need("index").then((idx) => {
    index = idx;
    const c = idx.counts;
    document.getElementById("summary").textContent =
      `${c.articles} articles · ${c.clusters} events (${c.events} mentions) · ${c.claims} claims · ` +
      `${c.quantities} figures · built ${idx.generated_at} · extractor ${idx.extractor_versions.join(", ")}`;
    const fresh = idx.new.first ? 0 : idx.new.articles;
    document.getElementById("new-badge").textContent = fresh ? String(fresh) : "";
    window.addEventListener("hashchange", route);
    route();
  }, (err) => show(h("p", { class: "error" }, String(err))));
})();
