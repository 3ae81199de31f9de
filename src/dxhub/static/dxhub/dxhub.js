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
// Unit tree: the first click loads children through htmx, every click shows or hides them.
document.addEventListener("click", function (e) {
  var btn = e.target.closest("[data-dx-toggle]");
  if (!btn) { return; }
  var list = document.getElementById(btn.getAttribute("data-dx-toggle"));
  var open = btn.getAttribute("aria-expanded") !== "true";
  btn.setAttribute("aria-expanded", open ? "true" : "false");
  btn.querySelector("i").className = open ? "ti ti-chevron-down" : "ti ti-chevron-right";
  list.hidden = !open;
});
