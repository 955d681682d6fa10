/* greenroom dashboard: chart blocks (Plotly + "Show data" + "Download CSV") and filter forms
 * that live in the URL. No inline scripts (CSP `script-src 'self'`); data comes from
 * <script type="application/json"> elements rendered by the server. */
(function () {
  "use strict";

  var uid = 0;

  function isNumber(v) {
    return typeof v === "number" && isFinite(v);
  }

  /* One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break. */
  function csvCell(v) {
    if (v === null || v === undefined) return "";
    var s = typeof v === "object" ? JSON.stringify(v) : String(v);
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function toCsv(columns, rows) {
    var lines = [columns.map(csvCell).join(",")];
    rows.forEach(function (row) {
      lines.push(row.map(csvCell).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  }

  function download(filename, text) {
    var blob = new Blob([text], { type: "text/csv;charset=utf-8" });
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = filename;
    a.style.display = "none";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () {
      URL.revokeObjectURL(url);
      a.remove();
    }, 1000);
  }

  function display(v) {
    if (v === null || v === undefined) return "—";
    if (isNumber(v)) {
      return v.toLocaleString("en-US", { maximumFractionDigits: Number.isInteger(v) ? 0 : 2 });
    }
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }

  /* The rows as an accessible table: a caption, column headers, raw values in data-value. */
  function buildTable(caption, columns, rows) {
    var table = document.createElement("table");
    table.className = "data";
    var cap = document.createElement("caption");
    cap.textContent = caption;
    table.appendChild(cap);
    var numeric = columns.map(function (_c, i) {
      return rows.length > 0 && rows.every(function (r) {
        return r[i] === null || r[i] === undefined || isNumber(r[i]);
      });
    });
    var thead = document.createElement("thead");
    var tr = document.createElement("tr");
    columns.forEach(function (c, i) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = c;
      if (numeric[i]) th.className = "num";
      tr.appendChild(th);
    });
    thead.appendChild(tr);
    table.appendChild(thead);
    var tbody = document.createElement("tbody");
    rows.forEach(function (row) {
      var r = document.createElement("tr");
      row.forEach(function (v, i) {
        var td = document.createElement("td");
        td.textContent = display(v);
        td.dataset.value = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
        if (numeric[i]) td.className = "num";
        r.appendChild(td);
      });
      tbody.appendChild(r);
    });
    table.appendChild(tbody);
    var wrap = document.createElement("div");
    wrap.className = "table-wrap";
    wrap.appendChild(table);
    return wrap;
  }

  function plot(chart, figure) {
    var data = (figure && figure.data) || [];
    if (data.length === 0 || typeof Plotly === "undefined") {
      chart.classList.add("empty");
      chart.textContent = data.length === 0 ? "Nothing to chart for these filters." : "Charts could not load.";
      return Promise.resolve();
    }
    var layout = Object.assign(
      {
        autosize: true,
        margin: { l: 56, r: 16, t: 16, b: 48 },
        font: { family: "system-ui, sans-serif", size: 12 },
        paper_bgcolor: "rgba(0,0,0,0)",
        plot_bgcolor: "rgba(0,0,0,0)",
      },
      figure.layout || {}
    );
    delete layout.width;
    layout.height = chart.clientHeight || 320;
    return Plotly.newPlot(chart, data, layout, {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
    });
  }

  /* Wire one chart block: `el` holds a .chart, the tools and a JSON spec. */
  function initChartBlock(el, spec) {
    if (el.dataset.ready) return;
    el.dataset.ready = "true";
    if (!spec) {
      var node = el.querySelector('script[type="application/json"]');
      spec = node ? JSON.parse(node.textContent || "{}") : {};
    }
    var columns = spec.columns || [];
    var rows = spec.rows || [];
    var title = el.querySelector("figcaption");
    var caption = title ? title.textContent : spec.filename || "data";
    var chart = el.querySelector(".chart");
    var showBtn = el.querySelector(".js-show-data");
    var csvBtn = el.querySelector(".js-download");
    var holder = el.querySelector(".chart-table");
    if (showBtn && holder) {
      showBtn.addEventListener("click", function () {
        var open = showBtn.getAttribute("aria-expanded") === "true";
        if (!open && !holder.firstChild) holder.appendChild(buildTable(caption, columns, rows));
        holder.hidden = open;
        showBtn.setAttribute("aria-expanded", String(!open));
        showBtn.textContent = open ? "Show data" : "Hide data";
      });
    }
    if (csvBtn) {
      if (rows.length === 0) csvBtn.disabled = true;
      csvBtn.addEventListener("click", function () {
        download(spec.filename || "data.csv", toCsv(columns, rows));
      });
    }
    if (chart) {
      plot(chart, spec.figure).then(function () {
        el.dataset.rendered = "true";
      }, function () {
        chart.classList.add("empty");
        chart.textContent = "The chart could not be drawn; use Show data.";
        el.dataset.rendered = "failed";
      });
    }
  }

  /* A chart block built in the browser (the chat uses it for answers). */
  function makeChartBlock(title, spec) {
    uid += 1;
    var id = "cb-" + uid;
    var fig = document.createElement("figure");
    fig.className = "chart-block";
    fig.setAttribute("data-chart-block", "");
    var cap = document.createElement("figcaption");
    cap.textContent = title;
    fig.appendChild(cap);
    var hasFigure = spec.figure && spec.figure.data && spec.figure.data.length > 0;
    if (hasFigure) {
      var chart = document.createElement("div");
      chart.className = "chart";
      chart.setAttribute("role", "img");
      chart.setAttribute("aria-label", title + " (chart; Show data lists the numbers)");
      fig.appendChild(chart);
    }
    var tools = document.createElement("div");
    tools.className = "chart-tools";
    var show = document.createElement("button");
    show.type = "button";
    show.className = "secondary js-show-data";
    show.setAttribute("aria-expanded", "false");
    show.setAttribute("aria-controls", id + "-table");
    show.textContent = "Show data";
    var csv = document.createElement("button");
    csv.type = "button";
    csv.className = "secondary js-download";
    csv.textContent = "Download CSV";
    tools.appendChild(show);
    tools.appendChild(csv);
    fig.appendChild(tools);
    var holder = document.createElement("div");
    holder.className = "chart-table";
    holder.id = id + "-table";
    holder.hidden = true;
    fig.appendChild(holder);
    return {
      element: fig,
      start: function () {
        initChartBlock(fig, spec);
      },
    };
  }

  /* Filter forms are GET forms: the view is in the URL. Empty fields stay out of it. */
  function initFilterForm(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (typeof value === "string" && value.trim() !== "") params.append(key, value.trim());
      });
      var query = params.toString();
      window.location.assign(form.getAttribute("action") + (query ? "?" + query : ""));
    });
  }

  window.greenroom = {
    toCsv: toCsv,
    buildTable: buildTable,
    initChartBlock: initChartBlock,
    makeChartBlock: makeChartBlock,
  };

  function start() {
    document.querySelectorAll("[data-chart-block]").forEach(function (el) {
      initChartBlock(el);
    });
    document.querySelectorAll("form.filters").forEach(initFilterForm);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
