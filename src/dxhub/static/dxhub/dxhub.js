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
// Trend charts: <div data-dx-chart="json-id"> with {labels, values, name, unit} in a json_script.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-dx-chart]").forEach(function (el) {
    if (!window.echarts) { return; }
    var data = JSON.parse(document.getElementById(el.getAttribute("data-dx-chart")).textContent);
    var fmt = function (v) { return v === null ? "—" : Number(v).toLocaleString("vi-VN", { maximumFractionDigits: 2 }); };
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 60, right: 20, top: 30, bottom: 40 },
      tooltip: { trigger: "axis", valueFormatter: fmt },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", name: data.unit, axisLabel: { formatter: fmt } },
      series: [{ type: "line", name: data.name, data: data.values, connectNulls: false, label: { show: true, formatter: function (p) { return fmt(p.value); } } }]
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
