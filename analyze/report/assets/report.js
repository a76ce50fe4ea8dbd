// casefile report: severity and text filters, and opening the part of the
// page a link points to. It reads the page and never writes markup: only
// hidden flags, aria-pressed and one textContent.
(function () {
  "use strict";
  var d = document;
  d.documentElement.classList.add("js");
  var q = d.getElementById("q");
  var shown = d.getElementById("shown");
  var none = d.getElementById("none-shown");
  var buttons = d.querySelectorAll(".counts button[data-sev]");
  var rows = d.querySelectorAll(".filterable");
  var groups = d.querySelectorAll("[data-group]");
  var off = {};

  function apply() {
    var text = q ? q.value.trim().toLowerCase() : "";
    var total = 0, visible = 0;
    rows.forEach(function (el) {
      var sev = el.getAttribute("data-sev") || "";
      var ok = !off[sev] && (text === "" || el.textContent.toLowerCase().indexOf(text) >= 0);
      el.hidden = !ok;
      if (el.classList.contains("finding")) {
        total++;
        if (ok) { visible++; }
      }
    });
    groups.forEach(function (g) {
      g.hidden = g.querySelector(".finding:not([hidden])") === null;
    });
    if (shown) {
      shown.textContent = visible === total ? "" : visible + " of " + total + " findings shown";
    }
    if (none) { none.hidden = !(total > 0 && visible === 0); }
  }

  buttons.forEach(function (b) {
    b.addEventListener("click", function () {
      var sev = b.getAttribute("data-sev");
      off[sev] = !off[sev];
      b.setAttribute("aria-pressed", off[sev] ? "false" : "true");
      apply();
    });
  });
  if (q) { q.addEventListener("input", apply); }

  // A link to a line or a finding shows it even when a filter or a closed
  // <details> hides it.
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id ? d.getElementById(id) : null;
    for (var p = el; p; p = p.parentElement) {
      if (p.hidden) { p.hidden = false; }
      if (p.tagName === "DETAILS") { p.open = true; }
    }
    if (el) { el.scrollIntoView({block: "center"}); }
  }
  window.addEventListener("hashchange", reveal);
  if (location.hash) { reveal(); }

  // Print everything that is folded away.
  window.addEventListener("beforeprint", function () {
    d.querySelectorAll("details").forEach(function (x) { x.open = true; });
  });
  apply();
})();
