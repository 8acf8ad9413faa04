/* The dashboard's one script, injected once by ui/theme.py (st.html, not iframed).
 * Never write a less-than sign followed by a letter or a slash in this file: st.html's
 * sanitiser (DOMPurify) then drops the whole script.
 *
 * Streamlit 1.67 has no option for the language of its own strings nor for
 * the html lang attribute: this shim sets lang="fr" and translates the few English texts
 * and aria labels Streamlit draws (help icons, sidebar button, table toolbar,
 * file uploader and its sizes, select boxes, the date picker, the full-screen button
 * Streamlit adds to each chart's modebar, whose tooltip is its data-title). The date picker's calendar takes its
 * month and day names and its first weekday from navigator.language, which Streamlit
 * reads at every redraw and offers no option for: the shim reports a French language
 * to the page when the browser's is not French (an English Chrome on a council laptop). It also runs the Présentation page's
 * projector mode (one section per screen, ←/→/space, Échap), the "Imprimer"
 * button, and keeps charts sized for A4 when printed.
 * It only changes texts, attributes and classes; it never removes Streamlit's nodes (the
 * one node it replaces is the project's own: a map sent as an SVG image, put inside the page).
 * tests/browser/test_french_shim.py opens every page with this script off and lists the
 * English Streamlit shows: a string the table below does not know fails it, and so does
 * an entry that matches nothing any more (keep the table to what Streamlit draws).
 */
(function () {
  if (window.__centraleTheme) return;
  window.__centraleTheme = true;
  const doc = window.parent && window.parent.document ? window.parent.document : document;

  // ---- The calendar in French, Monday first --------------------------------
  const view = doc.defaultView || window;
  try {
    if (!String(view.navigator.language || "").toLowerCase().startsWith("fr")) {
      Object.defineProperty(view.navigator, "language", { get: () => "fr-BE", configurable: true });
      // Streamlit reads the language when the app redraws; its only redraw one can ask
      // for from outside is the theme refresh it does after printing.
      view.dispatchEvent(new Event("afterprint"));
    }
  } catch (error) { /* a locked navigator: the calendar keeps the browser's language */ }

  // ---- French ------------------------------------------------------------
  const EXACT = {
    "Skip to main content": "Aller au contenu principal",
    "App pages": "Pages du tableau de bord",
    "Increment": "Augmenter",
    "Decrement": "Diminuer",
    "Dismiss": "Fermer",
    "Toggle attribution": "Afficher ou masquer les sources de la carte",
    "Link to heading": "Lien vers ce titre",
    "Selected values": "Valeurs choisies",
    "Collapse sidebar": "Replier la barre latérale",
    "Sidebar": "Barre latérale",
    "Map": "Carte",
    "Expand sidebar": "Déplier la barre latérale",
    "Fullscreen": "Plein écran",
    "Exit fullscreen": "Quitter le plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Search": "Rechercher",
    "Show/hide columns": "Afficher ou masquer des colonnes",
    "Download as CSV": "Télécharger en CSV",
    "Clear value": "Effacer",
    "Clear all": "Tout effacer",
    "Clear": "Effacer",
    "Remove": "Retirer",
    "Open": "Ouvrir",
    "Close": "Fermer",
    "Choose an option": "Choisir une option",
    "Choose options": "Choisir des options",
    "No results": "Aucun résultat",
    "No options to select": "Aucune option",
    "Upload": "Parcourir",
    "Add files": "Ajouter des fichiers",
    "Drag and drop files here": "Glisser-déposer les fichiers ici",
    "file upload": "envoi de fichier",
    "Stop": "Arrêter",
    "Running...": "Calcul en cours…",
    "Select all": "Tout sélectionner",
    "Main menu": "Menu principal",
    "Settings": "Paramètres",
    "Print": "Imprimer",
    "Choose date": "Choisir une date",
    "Choose date range": "Choisir une période",
    "Previous month": "Mois précédent",
    "Next month": "Mois suivant",
    "Use arrow keys to navigate dates. Enter to select. Escape to close.":
      "Flèches : changer de jour. Entrée : choisir. Échap : fermer.",
    // An address that names no page (/aide for the Aide page, /help).
    "Page not found": "Page introuvable",
    // Its hidden close button, in React Aria's own French (for a French browser): « reject ».
    "Rejeter": "Fermer",
    "The page that you have requested does not seem to exist. Running the app's main page.":
      "Cette page n'existe pas : voici la page d'accueil du tableau de bord.",
  };
  // The date field itself is drawn in American English by Streamlit (its segments'
  // labels and the month's spoken name): the words a screen reader says, in French.
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  const MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
    "septembre", "octobre", "novembre", "décembre"];
  // Streamlit writes a size as `${n.toFixed(d)}${unit}` ("127.0B", "5.5KB", "200MB"):
  // in French, "127 o", "5,5 ko", "200 Mo", as the Historique page writes them.
  const SIZE_UNITS = { B: "o", KB: "ko", MB: "Mo", GB: "Go" };
  // Streamlit names a Material icon by its English ligature ("add icon", "lock_open
  // icon"): said in French, never the English word (an unknown icon is just « icône »).
  // Where the icon sits inside a button that has its own name, or beside words, it is
  // hidden from screen readers altogether (fixStructure).
  const ICON_WORDS = { add: "ajouter", upload: "envoyer", lock_open: "cadenas ouvert",
    person: "personne", visibility: "consultation" };
  const ICON_NAME = /^([a-z0-9_]+) icon$/;
  const iconWords = (all, name) => (ICON_WORDS[name] ? "icône « " + ICON_WORDS[name] + " »" : "icône");
  const size = (n, unit) => n.replace(/\.0+$/, "").replace(".", ",") + "\u00a0" + SIZE_UNITS[unit];
  const PATTERNS = [
    [/^Help for (.+)$/, "Aide : $1"],
    [/^(\d+(?:\.\d+)?)(B|KB|MB|GB) per file(.*)$/, (all, n, unit, rest) => size(n, unit) + " par fichier" + rest],
    [/^(\d+(?:\.\d+)?)(B|KB|MB|GB)$/, (all, n, unit) => size(n, unit)],
    [/^(.+), (\d+(?:\.\d+)?)(B|KB|MB|GB)$/, (all, name, n, unit) => name + ", " + size(n, unit)],
    [/^Select (\d+) matches$/, "Sélectionner les $1 résultats"],
    [/^(\d+) options? available\.$/, (all, n) => n + (n === "1" ? " option disponible." : " options disponibles.")],
    [ICON_NAME, iconWords],
    [/^Remove (.+)$/, "Retirer $1"],
    [/^Delete (.+)$/, "Supprimer $1"],
    [/^Choose date, (.+)$/, "Choisir une date, $1"],
    [/^day, (.+)$/, "jour, $1"],
    [/^month, (.+)$/, "mois, $1"],
    [/^year, (.+)$/, "année, $1"],
    [/^(.+) start date$/, "$1, début"],
    [/^(.+) end date$/, "$1, fin"],
    [new RegExp("^(\\d+ – )(" + MONTHS.join("|") + ")$"), (all, number, month) => number + MOIS[MONTHS.indexOf(month)]],
    [new RegExp("^Selected Date: (" + MONTHS.join("|") + ") (\\d+), (\\d+)$"),
      (all, month, day, year) => "Date choisie : " + Number(day) + " " + MOIS[MONTHS.indexOf(month)] + " " + year],
  ];
  const ATTRIBUTES = ["aria-label", "title", "data-title", "placeholder", "aria-placeholder", "alt", "aria-valuetext"];

  function french(text) {
    const key = text.trim();
    if (!key) return null;
    if (Object.prototype.hasOwnProperty.call(EXACT, key)) return text.replace(key, EXACT[key]);
    for (const [pattern, replacement] of PATTERNS) {
      if (pattern.test(key)) return text.replace(key, key.replace(pattern, replacement));
    }
    return null;
  }

  function translate(root) {
    if (doc.documentElement.lang !== "fr") doc.documentElement.lang = "fr";
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest("[data-testid='stIconMaterial'], script, style, .js-plotly-plot")) continue;
      // The screen-reader text of an icon inside a named button (the file uploader's
      // « Ajouter des fichiers », whose hidden text is "add icon"): the button's own name
      // says it; the icon's would only be read after it.
      if (ICON_NAME.test(node.data.trim()) && parent.closest("button[aria-label]") && parent.children.length === 0) {
        parent.setAttribute("aria-hidden", "true");
      }
      const replaced = french(node.data);
      if (replaced !== null && replaced !== node.data) node.data = replaced;
    }
    for (const name of ATTRIBUTES) {
      for (const el of root.querySelectorAll("[" + name + "]")) {
        const replaced = french(el.getAttribute(name));
        if (replaced !== null) el.setAttribute(name, replaced);
      }
    }
    fixStructure(root);
  }

  // ---- Accessibility of Streamlit's own markup ---------------------------
  function fixStructure(root) {
    // The sidebar navigation is ul > div (section) > li: give the lists the
    // section groups, so screen readers (and axe) see well-formed lists.
    for (const ul of root.querySelectorAll("[data-testid='stSidebarNav'] ul, [data-testid='stSidebarNavItems']")) {
      if ([...ul.children].some((c) => c.tagName !== "LI")) {
        ul.setAttribute("role", "none");
        for (const group of ul.children) {
          if (group.tagName !== "LI" && group.querySelector("li")) group.setAttribute("role", "list");
          for (const child of group.children) {
            if (group.getAttribute("role") === "list" && child.tagName !== "LI") child.setAttribute("role", "none");
          }
        }
      }
    }
    // Material icons are ligatures ("download", "upload"): not words to read aloud. An
    // icon written in text (":material/lock_open: **Mode poste unique**") is decoration
    // beside the words that say it.
    for (const icon of root.querySelectorAll(
      "[data-testid='stIconMaterial']:not([aria-hidden]), [data-testid='stMarkdown'] span[role='img'][translate='no']:not([aria-hidden])")) {
      icon.setAttribute("aria-hidden", "true");
    }
    // Chart modebars: out of the tab order (the PNG stays one click away with the mouse).
    for (const button of root.querySelectorAll(".modebar-btn:not([tabindex])")) {
      button.setAttribute("tabindex", "-1");
    }
    // Paper prints every tab under its name (theme.css): each panel carries it.
    for (const tabs of root.querySelectorAll("[data-testid='stTabs']")) {
      const names = [...tabs.querySelectorAll("[role='tab']")].map((tab) => tab.textContent.trim());
      const panels = [...tabs.querySelectorAll("[data-testid='stTabPanel']")]
        .filter((panel) => panel.closest("[data-testid='stTabs']") === tabs);
      panels.forEach((panel, i) => {
        if (names[i] && panel.getAttribute("data-centrale-tab") !== names[i]) panel.setAttribute("data-centrale-tab", names[i]);
      });
    }
    sizeChartsForPrint(root);
    // Printing: a chart Streamlit redraws (it sizes charts from their scaled box) is laid
    // out again at its screen size.
    if (doc.body.classList.contains("centrale-paper")) layOutChartsForPaper();
    watchMaps(root);
    inlinePictures(root);
    if (doc.body.classList.contains("centrale-projector")) showSlide(current);
  }

  // ---- A map drawn as SVG, inside the page --------------------------------
  // st.html's sanitiser keeps no SVG, so ui/theme.py (svg_picture) sends the slide's map
  // as an image: here it becomes the same SVG inside the page (our own node, not one of
  // Streamlit's), its names real text: crisp on the wall, measured by the slide's text
  // audit, and one picture named by the image's alternative text for a screen reader.
  function inlinePictures(root) {
    const prefix = "data:image/svg+xml;base64,";
    for (const img of root.querySelectorAll("img[data-centrale-inline-svg]")) {
      const source = img.getAttribute("src") || "";
      if (!source.startsWith(prefix)) continue;
      let svg = null;
      try {
        const bytes = Uint8Array.from(atob(source.slice(prefix.length)), (c) => c.charCodeAt(0));
        const parsed = new DOMParser().parseFromString(new TextDecoder().decode(bytes), "image/svg+xml");
        if (parsed.documentElement.localName === "svg" && !parsed.querySelector("parsererror")) {
          svg = parsed.documentElement;
        }
      } catch (error) { svg = null; }
      if (!svg) continue; // the image stays: the same drawing, its text not measurable
      for (const unwanted of svg.querySelectorAll("script, foreignObject")) unwanted.remove();
      svg.setAttribute("class", img.getAttribute("class") || "");
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", img.getAttribute("alt") || "");
      img.replaceWith(doc.importNode(svg, true));
    }
  }

  // ---- Print: charts keep their screen layout, scaled to the A4 width -------
  const A4_CONTENT_PX = 700; // 190 mm less a little, at 96 dpi
  let screenMain = 0; // the main area's width on screen, the last time it was measured
  function mainWidth() {
    const main = doc.querySelector("[data-testid='stMainBlockContainer']");
    if (!main) return 0;
    const style = getComputedStyle(main);
    return main.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  }
  // On screen, every chart's container remembers the page's factor (A4 width over the
  // main area's width) and the chart's height: paper draws the chart at its screen size
  // and scales it by that factor (theme.css), so a chart in a half-width column keeps half
  // of the sheet, beside its neighbour, with the proportions and the words of the screen.
  function sizeChartsForPrint(root) {
    if (view.matchMedia("print").matches || doc.body.classList.contains("centrale-paper")) return;
    const width = mainWidth();
    if (!(width > 0)) return;
    screenMain = width;
    const zoom = Math.min(1, A4_CONTENT_PX / width).toFixed(3);
    for (const chart of root.querySelectorAll("[data-testid='stPlotlyChart']")) {
      const box = chart.closest("[data-testid='stElementContainer']") || chart;
      if (box.style.getPropertyValue("--centrale-print-zoom") !== zoom) box.style.setProperty("--centrale-print-zoom", zoom);
      const height = chart.offsetHeight + "px";
      if (chart.offsetHeight > 0 && box.style.getPropertyValue("--centrale-screen-height") !== height) {
        box.style.setProperty("--centrale-screen-height", height);
      }
    }
  }
  // When printing starts, every chart (those of the tabs and expanders not on screen too,
  // which plotly drew at a default size or not at all) is laid out at the size it has or
  // would have on screen: its share of the main area times the screen's main width, and
  // its screen height (or its figure's). Printing gives no time for Streamlit to redraw:
  // plotly is told directly, and told back when printing ends.
  function layOutChartsForPaper() {
    sizeChartsForPrint(doc);
    const starting = !doc.body.classList.contains("centrale-paper");
    doc.body.classList.add("centrale-paper"); // every panel shown, as on paper (theme.css)
    const Plotly = view.Plotly || window.Plotly;
    const main = mainWidth();
    const reference = screenMain || main;
    if (!(main > 0) || !Plotly) return;
    for (const chart of doc.querySelectorAll("[data-testid='stPlotlyChart']")) {
      const gd = chart.querySelector(".js-plotly-plot");
      const box = chart.closest("[data-testid='stElementContainer']") || chart;
      if (!gd || !gd.layout || !(box.clientWidth > 0)) continue;
      const width = Math.round(Math.min(1, box.clientWidth / main) * reference);
      const screen = parseFloat(box.style.getPropertyValue("--centrale-screen-height"));
      const height = Math.round(screen > 0 ? screen
        : gd.layout.height || (gd._fullLayout && gd._fullLayout.height) || 450);
      box.style.setProperty("--centrale-chart-width", width + "px");
      box.style.setProperty("--centrale-chart-height", height + "px");
      if (!gd.__centraleScreen) {
        gd.__centraleScreen = { width: gd.layout.width, height: gd.layout.height, visibility: gd.style.visibility };
      }
      gd.style.visibility = "visible";
      // Streamlit may redraw a chart at its scaled box's size after this: the page's
      // observer lays it out again (fixStructure), a few times at most per print.
      const tries = starting || !gd.__centralePaperSize ? 0 : gd.__centralePaperSize.tries;
      gd.__centralePaperSize = { width, height, tries };
      fitForPaper(gd, Plotly);
    }
  }
  function fitForPaper(gd, Plotly) {
    const size = gd.__centralePaperSize;
    if (!size || !Plotly || !doc.body.classList.contains("centrale-paper") || size.tries >= 8) return;
    const full = gd._fullLayout || {};
    if (gd.layout.width !== size.width || gd.layout.height !== size.height
        || Math.round(full.width) !== size.width || Math.round(full.height) !== size.height) {
      size.tries += 1; // a chart that would not take its size: never a loop
      try { Plotly.relayout(gd, { width: size.width, height: size.height }); } catch (error) { /* keep the screen's */ }
    }
  }
  function layOutChartsForScreen() {
    if (!doc.body.classList.contains("centrale-paper")) return;
    doc.body.classList.remove("centrale-paper");
    const Plotly = view.Plotly || window.Plotly;
    for (const chart of doc.querySelectorAll("[data-testid='stPlotlyChart']")) {
      const gd = chart.querySelector(".js-plotly-plot");
      const box = chart.closest("[data-testid='stElementContainer']") || chart;
      box.style.removeProperty("--centrale-chart-width");
      box.style.removeProperty("--centrale-chart-height");
      if (!gd || !gd.__centraleScreen) continue;
      const before = gd.__centraleScreen;
      delete gd.__centraleScreen;
      delete gd.__centralePaperSize;
      gd.style.visibility = before.visibility;
      if (Plotly) {
        try { Plotly.relayout(gd, { width: before.width, height: before.height }); } catch (error) { /* redrawn at the next run */ }
      }
    }
  }
  // A WebGL map prints blank (its drawing buffer is not kept): copy each map's
  // picture into an image, right after the map draws, shown on paper instead.
  function watchMaps(root) {
    for (const gd of root.querySelectorAll(".js-plotly-plot")) {
      const subplot = gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
      const map = subplot && subplot.map;
      if (!map || map.__centraleSnapshot) continue;
      map.__centraleSnapshot = true;
      const canvas = map.getCanvas();
      const picture = doc.createElement("img");
      picture.className = "centrale-map-snapshot";
      picture.alt = "";
      picture.setAttribute("aria-hidden", "true");
      canvas.parentElement.appendChild(picture);
      let last = 0;
      let trailing = null;
      map.on("render", () => {
        // Paper resizes the map's box and MapLibre redraws it at the same zoom, cropped:
        // the picture keeps the screen's whole view (theme.css fits it in the box).
        if (view.matchMedia("print").matches) return;
        const now = Date.now();
        if (now - last < 400) {
          // Moving: copy again once it settles, not at every frame.
          clearTimeout(trailing);
          trailing = setTimeout(() => map.triggerRepaint(), 450);
          return;
        }
        last = now;
        try { picture.src = canvas.toDataURL("image/png"); } catch (error) { /* tainted: keep the last */ }
      });
      map.triggerRepaint();
    }
  }
  function stampPrintDate() {
    const now = new Date();
    const text = now.toLocaleDateString("fr-BE") + " à " +
      now.toLocaleTimeString("fr-BE", { hour: "2-digit", minute: "2-digit" });
    for (const el of doc.querySelectorAll(".centrale-print-date")) el.textContent = text;
  }
  window.addEventListener("beforeprint", () => { stampPrintDate(); layOutChartsForPaper(); });
  window.addEventListener("afterprint", () => { if (!view.matchMedia("print").matches) layOutChartsForScreen(); });
  // Print media without a print (a browser's emulation, tests): the same, both ways.
  view.matchMedia("print").addEventListener("change", (event) => {
    if (event.matches) layOutChartsForPaper(); else layOutChartsForScreen();
  });

  // ---- Projector mode (Présentation) -------------------------------------
  // The page's blocks are packed into slides that fit the screen at full size: a
  // section starts a new slide once the current one is at least half filled, a
  // ".pres-break" (drawn by the page, hidden elsewhere) lets a long section go on
  // to the next slide under its title marked "(suite)". Only a block taller than
  // the screen by itself is scaled down (fitSlide).
  let current = 0;
  let plan = null; // {key, slides: [[child, …], …], breaks: Set of shown break blocks}
  function mainBlock() {
    return doc.querySelector("[data-testid='stMainBlockContainer'] > [data-testid='stVerticalBlock']");
  }
  function availableHeight() {
    const bar = doc.getElementById("centrale-projector-bar");
    const container = doc.querySelector("[data-testid='stMainBlockContainer']");
    const style = container ? getComputedStyle(container) : null;
    const padding = style ? parseFloat(style.paddingTop) + parseFloat(style.paddingBottom) : 0;
    return window.innerHeight - (bar ? bar.offsetHeight : 0) - padding - 8;
  }
  function packSlides() {
    const block = mainBlock();
    if (!block) return [];
    const children = [...block.children];
    const key = children.length + ":" + window.innerWidth + "x" + window.innerHeight;
    if (plan && plan.key === key && plan.slides.flat().every((el) => el.isConnected)) return plan.slides;
    const container = doc.querySelector("[data-testid='stMainBlockContainer']");
    if (container) container.style.zoom = "1";
    for (const el of children) el.classList.remove("centrale-slide-hidden", "centrale-break-shown");
    for (const el of children) if (el.querySelector(".pres-break")) el.classList.add("centrale-break-shown");
    const gap = parseFloat(getComputedStyle(block).rowGap) || 0;
    const height = (el) => { const h = el.getBoundingClientRect().height; return h > 0 ? h + gap : 0; };
    // Segments: a section title or a break, and the blocks up to the next one.
    const segments = [];
    for (const el of children) {
      const isSection = !!el.querySelector(".pres-section");
      const isBreak = !!el.querySelector(".pres-break");
      if (!segments.length || isSection || isBreak) segments.push({ isBreak, blocks: [], title: 0, body: 0 });
      const segment = segments[segments.length - 1];
      segment.blocks.push(el);
      if (isBreak) segment.title = height(el); else segment.body += height(el);
    }
    const room = availableHeight();
    const slides = [];
    let used = Infinity;
    for (const segment of segments) {
      const fits = used + segment.body <= room;
      const joins = slides.length && fits && (segment.isBreak || used < room / 2);
      if (joins) {
        slides[slides.length - 1].push(...segment.blocks);
        used += segment.body;
        if (segment.isBreak) segment.blocks[0].classList.remove("centrale-break-shown");
      } else {
        slides.push([...segment.blocks]);
        used = segment.title + segment.body;
      }
    }
    // A slide less than half filled joins the one before or the one after when they
    // fit together (a section of one sentence, a one-row table).
    const size = (group) => group.reduce((sum, el) => sum + height(el), 0);
    const join = (into, from) => {
      from[0].classList.remove("centrale-break-shown");
      into.push(...from);
    };
    for (let merged = true; merged; ) {
      merged = false;
      for (let i = 0; i < slides.length && !merged; i++) {
        if (size(slides[i]) >= room / 2) continue;
        if (i > 0 && size(slides[i - 1]) + size(slides[i]) <= room) {
          join(slides[i - 1], slides[i]);
          slides.splice(i, 1);
          merged = true;
        } else if (i + 1 < slides.length && size(slides[i]) + size(slides[i + 1]) <= room) {
          join(slides[i], slides[i + 1]);
          slides.splice(i + 1, 1);
          merged = true;
        }
      }
    }
    plan = { key, slides };
    return slides;
  }
  function showSlide(index) {
    const all = packSlides();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((group, i) => group.forEach((el) => el.classList.toggle("centrale-slide-hidden", i !== current)));
    const bar = doc.getElementById("centrale-projector-bar");
    if (bar) bar.querySelector(".centrale-slide-number").textContent = `Diapositive ${current + 1} sur ${all.length}`;
    doc.querySelector("[data-testid='stMain']")?.scrollTo?.(0, 0);
    window.scrollTo(0, 0);
    requestAnimationFrame(fitSlide);
  }
  // A slide still taller than the screen (one block taller than it) is scaled down to
  // fit (never below 55 %): in a council room nobody scrolls. A slide still less than
  // half filled (nothing it could join) is drawn larger instead (at most 1.6 times).
  function fitSlide() {
    const block = doc.querySelector("[data-testid='stMainBlockContainer']");
    if (!block || !doc.body.classList.contains("centrale-projector")) return;
    const bar = doc.getElementById("centrale-projector-bar");
    const available = window.innerHeight - (bar ? bar.offsetHeight : 0) - 8;
    block.style.zoom = "1";
    const needed = block.getBoundingClientRect().height;
    for (const chart of block.querySelectorAll("[data-testid='stPlotlyChart']")) chart.style.zoom = "";
    if (needed > available) block.style.zoom = Math.max(0.55, available / needed).toFixed(3);
    else if (needed > 0 && needed < available * 0.55) {
      const zoom = Math.min(1.6, (available * 0.6) / needed);
      block.style.zoom = zoom.toFixed(3);
      // A plotly chart keeps the width it was drawn at: drawn larger, it would run off
      // the screen (the promise label of the lead times cut at the right). It stays at
      // its drawn size instead (its text is already the projector's size).
      for (const chart of block.querySelectorAll("[data-testid='stPlotlyChart']")) {
        chart.style.zoom = (1 / Number(zoom.toFixed(3))).toFixed(4);
      }
    }
  }
  window.addEventListener("resize", () => {
    if (doc.body.classList.contains("centrale-projector")) { plan = null; showSlide(current); }
  });
  function enterProjector() {
    if (!doc.querySelector(".pres-section")) return;
    doc.body.classList.add("centrale-projector");
    plan = null;
    // The commune field (or any control) keeps no focus on a slide: it is hidden there.
    if (doc.activeElement && doc.activeElement !== doc.body) doc.activeElement.blur();
    if (!doc.getElementById("centrale-projector-bar")) {
      const bar = doc.createElement("div");
      bar.id = "centrale-projector-bar";
      bar.setAttribute("role", "region");
      bar.setAttribute("aria-label", "Mode projection");
      // Built node by node: st.html's sanitiser drops a script whose text holds markup.
      const part = (tag, text, attributes) => {
        const el = doc.createElement(tag);
        el.textContent = text;
        for (const [name, value] of Object.entries(attributes || {})) el.setAttribute(name, value);
        return el;
      };
      bar.append(
        part("button", "← Précédente", { type: "button", "data-centrale-action": "previous" }),
        part("span", "", { class: "centrale-slide-number", "aria-live": "polite" }),
        part("span", "← → ou espace : changer · Début, Fin : première, dernière · Échap : quitter"),
        part("button", "Suivante →", { type: "button", "data-centrale-action": "next" }),
      );
      doc.body.appendChild(bar);
    }
    showSlide(0);
  }
  function leaveProjector() {
    doc.body.classList.remove("centrale-projector");
    const block = doc.querySelector("[data-testid='stMainBlockContainer']");
    if (block) block.style.zoom = "";
    for (const chart of doc.querySelectorAll("[data-testid='stPlotlyChart']")) chart.style.zoom = "";
    doc.getElementById("centrale-projector-bar")?.remove();
    for (const el of doc.querySelectorAll(".centrale-slide-hidden, .centrale-break-shown")) {
      el.classList.remove("centrale-slide-hidden", "centrale-break-shown");
    }
    plan = null;
  }
  // Keys work wherever the focus is. In projector mode every control is hidden, so
  // the keys are the slides'. Outside it, P starts the projection unless one is typing:
  // a text area, a text field, or the commune field with its list open (P of Paliseul).
  function typing(target) {
    if (!target) return false;
    if (target.isContentEditable || target.tagName === "TEXTAREA") return true;
    if (target.tagName !== "INPUT") return false;
    if (/^(checkbox|radio|button|submit|range)$/i.test(target.type)) return false;
    const combo = target.closest("[role='combobox']") || (target.getAttribute("role") === "combobox" ? target : null);
    if (combo || target.getAttribute("aria-autocomplete")) {
      return (combo || target).getAttribute("aria-expanded") === "true";
    }
    return true;
  }
  doc.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (doc.body.classList.contains("centrale-projector")) {
      if (["ArrowRight", "PageDown", " ", "Spacebar"].includes(event.key)) showSlide(current + 1);
      else if (["ArrowLeft", "PageUp"].includes(event.key)) showSlide(current - 1);
      else if (event.key === "Home") showSlide(0); // as in slide software: first and last
      else if (event.key === "End") showSlide(Infinity);
      else if (event.key === "Escape") leaveProjector();
      else return;
      event.preventDefault();
      event.stopPropagation();
    } else if (event.key === "Escape" && doc.querySelector(".centrale-kpi-help[open]")) {
      // A KPI card's definition closes on Échap, as a tooltip would; focus back on its « ? ».
      for (const open of doc.querySelectorAll(".centrale-kpi-help[open]")) {
        open.open = false;
        if (open.contains(event.target)) open.querySelector("summary").focus();
      }
    } else if ((event.key === "p" || event.key === "P") && doc.querySelector(".pres-section")
               && !typing(event.target)) {
      event.preventDefault();
      event.stopPropagation();
      enterProjector();
    }
  }, true);

  // ---- Printing the tab on screen alone -------------------------------------
  // Paper prints every tab by default (theme.css); « Imprimer l'onglet affiché
  // seulement » marks the panels of the other tabs of each outer tab group, and the
  // marks go once the print dialog closes.
  function printOneTab() {
    for (const tabs of doc.querySelectorAll("[data-testid='stTabs']")) {
      if (tabs.parentElement.closest("[data-testid='stTabs']")) continue;
      const selected = [...tabs.querySelectorAll("[role='tab']")]
        .filter((tab) => tab.closest("[data-testid='stTabs']") === tabs)
        .findIndex((tab) => tab.getAttribute("aria-selected") === "true");
      [...tabs.querySelectorAll("[data-testid='stTabPanel']")]
        .filter((panel) => panel.closest("[data-testid='stTabs']") === tabs)
        .forEach((panel, i) => panel.toggleAttribute("data-centrale-print-skip", i !== selected));
    }
    doc.body.classList.add("centrale-print-one-tab");
  }
  view.addEventListener("afterprint", () => {
    doc.body.classList.remove("centrale-print-one-tab");
    for (const panel of doc.querySelectorAll("[data-centrale-print-skip]")) {
      panel.removeAttribute("data-centrale-print-skip");
    }
  });

  // ---- Buttons drawn by ui/theme.py (no inline script) -------------------
  doc.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-centrale-action]");
    if (!button) return;
    const action = button.getAttribute("data-centrale-action");
    if (action === "print") whenWhole(() => { stampPrintDate(); window.print(); });
    else if (action === "print-tab") {
      whenWhole(() => { printOneTab(); stampPrintDate(); window.print(); });
    }
    else if (action === "projector") enterProjector();
    else if (action === "next") showSlide(current + 1);
    else if (action === "previous") showSlide(current - 1);
  });

  // ---- Figures first (ui/first_paint.py) -----------------------------------
  // A tab's first overview shows its figures with a placeholder for the rest. Two
  // animation frames after the placeholder is in the page (React puts the figures in with
  // it or before it) the figures are painted; once the run that drew them has ended, press
  // the page's hidden button, which asks the server for the whole page. Checked every
  // 250 ms while the placeholder stays: asked again 1,5 s later if a click was lost (a
  // person's own click can start a run just then).
  const ASK_AGAIN_MS = 1500;
  let checkingRest = false;
  let askedAt = -Infinity;
  function scriptIdle() {
    const app = doc.querySelector("[data-testid='stApp']");
    return !app || ["notRunning", "compilationError"].includes(app.getAttribute("data-test-script-state"));
  }
  function askForTheRest() {
    if (checkingRest || !doc.querySelector(".centrale-pending")) return;
    checkingRest = true;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      checkingRest = false;
      if (!doc.querySelector(".centrale-pending")) return;
      const button = doc.querySelector(".st-key-first_paint_rest button");
      if (button && scriptIdle() && performance.now() - askedAt > ASK_AGAIN_MS) {
        askedAt = performance.now();
        button.click();
      }
      setTimeout(askForTheRest, 250);
    }));
  }
  // The print buttons wait for the whole page (at most 20 s): the rest announced has come,
  // the script has ended, no element is still a grey skeleton, every chart is drawn, and
  // all of it for 300 ms. A second press meanwhile does not print twice.
  let waitingToPrint = false;
  function pageWhole() {
    if (doc.querySelector(".centrale-pending, [data-testid='stSkeleton']") || !scriptIdle()) return false;
    return [...doc.querySelectorAll("[data-testid='stPlotlyChart']")]
      .every((chart) => chart.querySelector("svg, canvas"));
  }
  function whenWhole(then) {
    if (waitingToPrint) return;
    waitingToPrint = true;
    const started = performance.now();
    let wholeSince = null;
    (function check() {
      const now = performance.now();
      wholeSince = pageWhole() ? (wholeSince ?? now) : null;
      if ((wholeSince !== null && now - wholeSince >= 300) || now - started > 20000) {
        waitingToPrint = false;
        then();
      } else setTimeout(check, 100);
    })();
  }

  // Streamlit redraws as it runs: translate what it adds, once per frame.
  let pending = false;
  new MutationObserver(() => {
    askForTheRest();
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; translate(doc.body); });
  }).observe(doc.body, { childList: true, subtree: true, characterData: true, attributes: true,
                         attributeFilter: ATTRIBUTES });
  translate(doc.body);
  askForTheRest();
  stampPrintDate();
})();
