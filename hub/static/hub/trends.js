// The trend universe's chart: a grid of trends (rows) × ecosystems (columns) drawn in SVG,
// impact shown by a circle's size and colour. The page arrives with the same data as a table
// (the fallback without JavaScript, and what screen readers read); this script draws the
// chart from the JSON the page carries (#trend-matrix), applies the filters without a
// reload, and rebuilds the table so both always show the same numbers.
//
// Keyboard: the grid is one tab stop (roving tabindex); arrow keys move between cells,
// Home/End go to the row's ends (with Ctrl: the grid's), Enter opens the trend. The focused or pointed cell's
// details show in the panel below the chart (aria-live) and in a tooltip beside it.
const gettext = window.gettext || ((text) => text);
const interpolate = window.interpolate || ((text, values) => text.replace(/%\((\w+)\)s/g, (_m, k) => values[k]));

const SVG = "http://www.w3.org/2000/svg";
const IMPACT_MAX = 5;
const CELL = 44;
const ROW = 40;
const HEAD = 150;

const source = document.getElementById("trend-matrix");
const section = document.querySelector("[data-trend-chart-section]");
const form = document.querySelector("[data-trend-filters]");
const table = document.querySelector("[data-trend-table]");

function svg(name, attributes = {}, parent = null) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (parent) parent.appendChild(element);
  return element;
}

function html(name, attributes = {}, text = "") {
  const element = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text) element.textContent = text;
  return element;
}

function impactOf(trend, ecosystem, horizon) {
  const scores = trend.impacts[ecosystem] || {};
  const values = horizon === "all" ? Object.values(scores) : [scores[horizon]];
  const known = values.filter((value) => typeof value === "number");
  return known.length ? Math.max(...known) : null;
}

function radius(impact) {
  return 2 + 3 * impact;
}

function cellLabel(trend, ecosystem, impact, horizonLabel) {
  if (impact === null) {
    return interpolate(
      gettext("%(trend)s, %(ecosystem)s: not scored (%(horizon)s)"),
      { trend: trend.title, ecosystem: ecosystem.label, horizon: horizonLabel },
      true,
    );
  }
  return interpolate(
    gettext("%(trend)s, %(ecosystem)s: impact %(impact)s of %(max)s (%(horizon)s)"),
    { trend: trend.title, ecosystem: ecosystem.label, impact, max: IMPACT_MAX, horizon: horizonLabel },
    true,
  );
}

class TrendChart {
  constructor(data) {
    this.data = data;
    this.container = section.querySelector("[data-trend-chart]");
    this.details = section.querySelector("[data-trend-details]");
    this.tooltip = section.querySelector("[data-trend-tooltip]");
    this.horizonSelect = form.querySelector("[name=horizon]");
    this.ecosystemSelect = form.querySelector("[name=ecosystem]");
    this.active = { row: 0, column: 0 };
    form.addEventListener("change", () => this.apply(true));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.apply(true);
    });
    this.apply(false);
    section.hidden = false;
  }

  get horizon() {
    return this.horizonSelect.value || "all";
  }

  get horizonLabel() {
    return this.horizonSelect.selectedOptions[0]?.textContent.trim() || "";
  }

  apply(remember) {
    const ecosystem = this.ecosystemSelect.value;
    this.columns = this.data.ecosystems.filter((e) => !ecosystem || e.slug === ecosystem);
    this.rows = [...this.data.trends];
    if (ecosystem) {
      // One column: the strongest trends for it first, unscored ones last (as the server does).
      const key = (trend) => impactOf(trend, ecosystem, this.horizon) ?? -1;
      this.rows.sort((a, b) => key(b) - key(a));
    }
    this.active = {
      row: Math.min(this.active.row, Math.max(this.rows.length - 1, 0)),
      column: Math.min(this.active.column, Math.max(this.columns.length - 1, 0)),
    };
    this.draw();
    this.fillTable();
    if (remember) {
      const query = new URLSearchParams();
      if (this.horizon !== "all") query.set("horizon", this.horizon);
      if (ecosystem) query.set("ecosystem", ecosystem);
      const search = query.toString();
      window.history.replaceState(null, "", search ? `?${search}` : window.location.pathname);
    }
  }

  labelWidth() {
    return window.matchMedia("(max-width: 600px)").matches ? 150 : 230;
  }

  draw() {
    // Two drawings side by side: the trends' names stay put while the grid scrolls
    // sideways (a phone shows four or five ecosystems at a time).
    const left = this.labelWidth();
    // Room on the right for the last slanted ecosystem names.
    const width = this.columns.length * CELL + 96;
    const height = HEAD + this.rows.length * ROW + 4;
    const labels = svg("svg", { width: left, height, viewBox: `0 0 ${left} ${height}`, class: "trend-chart-labels" });
    const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, class: "trend-chart" });
    // Column heads: ecosystem names, slanted.
    this.columns.forEach((ecosystem, column) => {
      const x = column * CELL + CELL / 2;
      const text = svg("text", { x: 0, y: 0, class: "column-label", transform: `translate(${x + 4} ${HEAD - 8}) rotate(-50)` }, root);
      text.textContent = ecosystem.label.length > 26 ? `${ecosystem.label.slice(0, 25)}…` : ecosystem.label;
      svg("title", {}, text).textContent = ecosystem.label;
    });
    this.cells = [];
    this.rows.forEach((trend, row) => {
      const y = HEAD + row * ROW;
      const stripe = row % 2 ? "stripe odd" : "stripe";
      svg("rect", { x: 0, y, width: left, height: ROW, class: stripe }, labels);
      svg("rect", { x: 0, y, width, height: ROW, class: stripe }, root);
      const link = svg("a", { href: trend.url, class: "row-label" }, labels);
      const text = svg("text", { x: 4, y: y + ROW / 2 + 5 }, link);
      const room = Math.floor((left - 12) / 7.8);
      text.textContent = trend.title.length > room ? `${trend.title.slice(0, room - 1)}…` : trend.title;
      if (trend.language) link.setAttribute("lang", trend.language);
      svg("title", {}, link).textContent = trend.title;
      const cells = [];
      this.columns.forEach((ecosystem, column) => {
        const impact = impactOf(trend, ecosystem.slug, this.horizon);
        const x = column * CELL;
        const cell = svg("g", {
          class: "cell",
          role: "button",
          tabindex: -1,
          "aria-label": cellLabel(trend, ecosystem, impact, this.horizonLabel),
          "data-trend": trend.slug,
          "data-ecosystem": ecosystem.slug,
          "data-impact": impact === null ? "" : impact,
        }, root);
        svg("rect", { x: x + 2, y: y + 2, width: CELL - 4, height: ROW - 4, rx: 6, class: "cell-box" }, cell);
        if (impact === null) {
          svg("line", { x1: x + CELL / 2 - 5, y1: y + ROW / 2, x2: x + CELL / 2 + 5, y2: y + ROW / 2, class: "not-scored" }, cell);
        } else {
          svg("circle", { cx: x + CELL / 2, cy: y + ROW / 2, r: radius(impact), class: `impact-${impact}` }, cell);
        }
        cell.addEventListener("focus", () => this.show(row, column, cell));
        cell.addEventListener("mouseenter", () => this.show(row, column, cell));
        cell.addEventListener("mouseleave", () => {
          if (document.activeElement !== cell) this.tooltip.hidden = true;
        });
        cell.addEventListener("blur", () => {
          this.tooltip.hidden = true;
        });
        cell.addEventListener("click", () => {
          this.moveTo(row, column);
        });
        cell.addEventListener("keydown", (event) => this.key(event, row, column));
        cells.push(cell);
      });
      this.cells.push(cells);
    });
    const scroller = html("div", { class: "trend-chart-cells" });
    scroller.append(root);
    this.container.replaceChildren(labels, scroller);
    const first = this.cells[this.active.row]?.[this.active.column];
    if (first) first.setAttribute("tabindex", "0");
  }

  moveTo(row, column) {
    const target = this.cells[row]?.[column];
    if (!target) return;
    for (const cells of this.cells) for (const cell of cells) cell.setAttribute("tabindex", "-1");
    target.setAttribute("tabindex", "0");
    this.active = { row, column };
    target.focus();
  }

  key(event, row, column) {
    const last = this.columns.length - 1;
    const moves = {
      ArrowRight: [row, Math.min(column + 1, last)],
      ArrowLeft: [row, Math.max(column - 1, 0)],
      ArrowDown: [Math.min(row + 1, this.rows.length - 1), column],
      ArrowUp: [Math.max(row - 1, 0), column],
      Home: event.ctrlKey ? [0, 0] : [row, 0],
      End: event.ctrlKey ? [this.rows.length - 1, last] : [row, last],
    };
    if (event.key in moves) {
      event.preventDefault();
      this.moveTo(...moves[event.key]);
    } else if (event.key === "Enter") {
      event.preventDefault();
      window.location.assign(this.rows[row].url);
    } else if (event.key === " ") {
      event.preventDefault();
      this.show(row, column, event.currentTarget);
    }
  }

  show(row, column, cell) {
    const trend = this.rows[row];
    const ecosystem = this.columns[column];
    const impact = impactOf(trend, ecosystem.slug, this.horizon);
    // The details panel: the trend, the ecosystem, and the impact over each horizon.
    const heading = html("h3");
    const link = html("a", { href: trend.url }, trend.title);
    if (trend.language) link.setAttribute("lang", trend.language);
    heading.append(link);
    const summary = html("p", trend.language ? { lang: trend.language } : {}, trend.summary);
    const about = html("p", { class: "meta" }, interpolate(gettext("Impact on %(ecosystem)s"), { ecosystem: ecosystem.label }, true));
    const list = html("ul", { class: "plain-list trend-horizons" });
    for (const horizon of this.data.horizons) {
      const value = impactOf(trend, ecosystem.slug, horizon.value);
      const text = value === null ? gettext("not scored") : interpolate(gettext("%(impact)s of %(max)s"), { impact: value, max: IMPACT_MAX }, true);
      list.append(html("li", {}, `${horizon.label}: ${text}`));
    }
    this.details.replaceChildren(heading, about, list, summary);
    // The tooltip beside the cell (hidden from assistive technology: the panel says it).
    this.tooltip.textContent = cellLabel(trend, ecosystem, impact, this.horizonLabel);
    this.tooltip.setAttribute("aria-hidden", "true");
    const box = cell.getBoundingClientRect();
    const frame = section.getBoundingClientRect();
    this.tooltip.hidden = false;
    const width = this.tooltip.offsetWidth;
    const x = Math.max(4, Math.min(box.left - frame.left + box.width / 2 - width / 2, frame.width - width - 4));
    this.tooltip.style.left = `${x}px`;
    this.tooltip.style.top = `${box.bottom - frame.top + 6}px`;
  }

  fillTable() {
    const head = html("tr");
    head.append(html("th", { scope: "col" }, table.querySelector("thead th").textContent));
    for (const ecosystem of this.columns) head.append(html("th", { scope: "col", "data-ecosystem": ecosystem.slug }, ecosystem.label));
    table.tHead.replaceChildren(head);
    const body = [];
    for (const trend of this.rows) {
      const row = html("tr", { "data-trend": trend.slug });
      const th = html("th", { scope: "row" });
      const link = html("a", { href: trend.url }, trend.title);
      th.append(link);
      row.append(th);
      for (const ecosystem of this.columns) {
        const impact = impactOf(trend, ecosystem.slug, this.horizon);
        const td = html("td", { "data-ecosystem": ecosystem.slug });
        if (impact === null) {
          td.append(html("span", { "aria-hidden": "true" }, "–"), html("span", { class: "visually-hidden" }, gettext("not scored")));
        } else {
          td.textContent = String(impact);
        }
        row.append(td);
      }
      body.push(row);
    }
    if (body.length) table.tBodies[0].replaceChildren(...body);
    const caption = table.querySelector("[data-trend-caption-horizon]");
    if (caption) caption.textContent = this.horizonLabel;
  }
}

if (source && section && form && table) {
  const chart = new TrendChart(JSON.parse(source.textContent));
  let wide = window.matchMedia("(max-width: 600px)").matches;
  window.addEventListener("resize", () => {
    const now = window.matchMedia("(max-width: 600px)").matches;
    if (now !== wide) {
      wide = now;
      chart.draw();
    }
  });
}
