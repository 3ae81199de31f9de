// Form widgets from Django render plain inputs: give them Tabler's classes.
function dxStyleForms(root) {
  root.querySelectorAll("input, select, textarea").forEach(function (el) {
    if (el.type === "checkbox") { el.classList.add("form-check-input"); return; }
    if (el.type === "hidden" || el.type === "submit") { return; }
    el.classList.add(el.tagName === "SELECT" ? "form-select" : "form-control");
    if (el.closest(".mb-3") && el.closest(".mb-3").querySelector(".invalid-feedback")) { el.classList.add("is-invalid"); }
  });
}
document.addEventListener("DOMContentLoaded", function () { dxStyleForms(document); });
document.addEventListener("htmx:afterSwap", function (e) { dxStyleForms(e.target); });
// Confirm dangerous actions: <form data-confirm="...">.
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
// Unit tree: the first opening loads the children (htmx.ajax, delegated, so a node
// swapped in a moment ago works at once); later clicks show or hide them.
document.addEventListener("click", function (e) {
  var btn = e.target.closest("[data-dx-toggle]");
  if (!btn) { return; }
  var list = document.getElementById(btn.getAttribute("data-dx-toggle"));
  var open = btn.getAttribute("aria-expanded") !== "true";
  btn.setAttribute("aria-expanded", open ? "true" : "false");
  btn.querySelector("i").className = open ? "ti ti-chevron-down" : "ti ti-chevron-right";
  list.hidden = !open;
  var url = btn.getAttribute("data-dx-url");
  if (open && url && !list.hasAttribute("data-loaded")) {
    list.setAttribute("data-loaded", "");
    list.innerHTML = "<li class=\"text-secondary\">…</li>";
    htmx.ajax("GET", url, { target: list, swap: "innerHTML" });
  }
});
// "Check all" box of a list form (the reviewer's queue).
document.addEventListener("change", function (e) {
  if (e.target.id !== "dx-check-all") { return; }
  e.target.closest("form").querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = e.target.checked; });
});
// Trend charts: <div data-dx-chart="json-id"> with {labels, values, name, unit} in a json_script; optional
// target (a dashed line) and forecast (a dotted second series, null where there is none).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-dx-chart]").forEach(function (el) {
    if (!window.echarts) { return; }
    var data = JSON.parse(document.getElementById(el.getAttribute("data-dx-chart")).textContent);
    var fmt = function (v) { return v === null ? "—" : Number(v).toLocaleString("vi-VN", { maximumFractionDigits: 2 }); };
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 60, right: data.target === undefined ? 20 : 110, top: data.forecast ? 40 : 30, bottom: 40 },
      legend: data.forecast ? { top: 0, data: [data.name, data.forecastName] } : undefined,
      tooltip: { trigger: "axis", valueFormatter: fmt },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", name: data.unit, axisLabel: { formatter: fmt } },
      series: [{ type: "line", name: data.name, data: data.values, connectNulls: false, label: { show: true, formatter: function (p) { return fmt(p.value); } },
        markLine: data.target === undefined ? undefined : { symbol: "none", lineStyle: { color: "#2fb344", type: "dashed" }, label: { position: "end", formatter: function () { return "phải đạt " + fmt(data.target); } }, data: [{ yAxis: data.target }] } }]
        .concat(data.forecast ? [{ type: "line", name: data.forecastName, data: data.forecast, connectNulls: true, lineStyle: { type: "dotted" }, itemStyle: { color: "#f59f00" }, label: { show: true, position: "bottom", formatter: function (p) { return p.dataIndex === data.forecast.length - 1 ? fmt(p.value) : ""; } } }] : [])
    });
    el.setAttribute("data-dx-ready", "");
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
// Radar charts: <div data-dx-radar="json-id"> with {indicators: [{name, max}], series: [{name, values}]}.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-dx-radar]").forEach(function (el) {
    if (!window.echarts) { return; }
    var data = JSON.parse(document.getElementById(el.getAttribute("data-dx-radar")).textContent);
    var fmt = function (v) { return v === null ? "—" : Number(v).toLocaleString("vi-VN", { minimumFractionDigits: 4, maximumFractionDigits: 4 }); };
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { valueFormatter: fmt },
      radar: { indicator: data.indicators, radius: "55%", center: ["50%", "52%"], axisName: { fontSize: 10, lineHeight: 13 } },
      series: [{ type: "radar", areaStyle: { opacity: 0.2 }, data: data.series.map(function (s) { return { name: s.name, value: s.values }; }) }]
    });
    el.setAttribute("data-dx-ready", "");
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
// Roadmap (Gantt): <div data-dx-gantt="json-id"> with {rows: [{name, lead, start, end, progress, late} or {name, header}], today}.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-dx-gantt]").forEach(function (el) {
    if (!window.echarts) { return; }
    var data = JSON.parse(document.getElementById(el.getAttribute("data-dx-gantt")).textContent);
    var rows = data.rows;
    var day = function (s) { return new Date(s + "T00:00:00").getTime(); };
    var names = rows.map(function (r) { return r.header ? "{h|" + r.name + "}" : r.name; });
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 330, right: 30, top: 30, bottom: 30 },
      tooltip: { formatter: function (p) { var r = rows[p.value[0]]; if (!r || r.header) { return ""; } return r.name + "<br>" + r.lead + " · " + r.start.split("-").reverse().join("/") + " – " + r.end.split("-").reverse().join("/") + " · " + r.progress + "%"; } },
      xAxis: { type: "time", position: "top", axisLabel: { formatter: "{MM}/{yyyy}" } },
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 310, overflow: "truncate", fontSize: 11, rich: { h: { fontWeight: "bold", fontSize: 12, color: "#1d273b" } } } },
      series: [{
        type: "custom",
        encode: { x: [1, 2], y: 0 },
        data: rows.map(function (r, i) { return r.header ? null : [i, day(r.start), day(r.end), r.progress, r.late ? 1 : 0]; }).filter(function (d) { return d; }),
        renderItem: function (params, api) {
          var start = api.coord([api.value(1), api.value(0)]);
          var end = api.coord([api.value(2), api.value(0)]);
          var h = api.size([0, 1])[1] * 0.55;
          var width = Math.max(end[0] - start[0], 2);
          var done = width * api.value(3) / 100;
          var late = api.value(4) === 1;
          return { type: "group", children: [
            { type: "rect", shape: { x: start[0], y: start[1] - h / 2, width: width, height: h }, style: { fill: late ? "#f8d7da" : "#dbe7fb" } },
            { type: "rect", shape: { x: start[0], y: start[1] - h / 2, width: done, height: h }, style: { fill: late ? "#d63939" : (api.value(3) >= 100 ? "#2fb344" : "#206bc4") } }
          ] };
        },
        markLine: { symbol: "none", silent: true, lineStyle: { color: "#d63939", type: "dashed" }, label: { formatter: "hôm nay" }, data: [{ xAxis: day(data.today) }] }
      }]
    });
    el.setAttribute("data-dx-ready", "");
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
// Heat map of target attainment: <div data-dx-heatmap="json-id" data-dx-base="?unit="> with
// {x, codes, y, statuses: [[code, label, colour]], cells: [[x, y, pct|null, status index]]}: the colour says
// the status (on track, at risk …), the label the share of the target reached.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-dx-heatmap]").forEach(function (el) {
    if (!window.echarts) { return; }
    var data = JSON.parse(document.getElementById(el.getAttribute("data-dx-heatmap")).textContent);
    var fmt = function (v) { return v === null || v === undefined ? "—" : Number(v).toLocaleString("vi-VN", { maximumFractionDigits: 0 }) + "%"; };
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 330, right: 20, top: 70, bottom: 50 },
      tooltip: { formatter: function (p) { return data.y[p.value[1]] + "<br>" + data.x[p.value[0]] + ": " + fmt(p.value[2]) + " · " + data.statuses[p.value[3]][1]; } },
      xAxis: { type: "category", data: data.x, position: "top", axisLabel: { rotate: 35, fontSize: 11, interval: 0 }, triggerEvent: true, splitArea: { show: true } },
      yAxis: { type: "category", data: data.y, inverse: true, axisLabel: { width: 310, overflow: "truncate", fontSize: 11 }, splitArea: { show: true } },
      visualMap: { type: "piecewise", dimension: 3, orient: "horizontal", left: "center", bottom: 0,
        pieces: data.statuses.map(function (s, i) { return { value: i, label: s[1], color: s[2] }; }) },
      series: [{ type: "heatmap", data: data.cells, itemStyle: { borderColor: "#fff", borderWidth: 2 },
        label: { show: true, formatter: function (p) { return fmt(p.value[2]); }, fontSize: 10 } }]
    });
    chart.on("click", function (p) {
      var i = p.componentType === "xAxis" ? data.x.indexOf(p.value) : (p.value ? p.value[0] : -1);
      if (i >= 0) { window.location.href = el.getAttribute("data-dx-base") + encodeURIComponent(data.codes[i]); }
    });
    el.setAttribute("data-dx-ready", "");
    window.addEventListener("resize", function () { chart.resize(); });
  });
});
