// Small enhancements; every page works without them.
// 1. On narrow screens the filter panel starts closed, so results come first.
// 2. Long facets get a box that narrows their list as one types.
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 50rem)");
  var panel = document.getElementById("saringan");
  if (panel && narrow.matches) { panel.open = false; }
  if (panel) {
    narrow.addEventListener("change", function (event) { if (!event.matches) { panel.open = true; } });
  }
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  document.querySelectorAll(".facet").forEach(function (facet) {
    var label = facet.querySelector(".facet-filter");
    if (!label) { return; }
    var input = label.querySelector("input");
    var more = facet.querySelector("details.more");
    label.hidden = false;
    input.addEventListener("input", function () {
      var typed = fold(input.value.trim());
      if (typed && more) { more.open = true; }
      var shown = 0;
      facet.querySelectorAll(".facet-values li").forEach(function (item) {
        var link = item.querySelector("a");
        item.hidden = typed !== "" && fold(link.textContent).indexOf(typed) === -1;
        if (!item.hidden) { shown += 1; }
      });
      var none = facet.querySelector(".facet-none");
      if (none) { none.hidden = shown > 0; }
    });
  });
  // 3. On the map, the value of the province under the pointer or the keyboard focus.
  document.querySelectorAll("svg.choropleth").forEach(function (map) {
    function show(event) {
      var link = event.target.closest ? event.target.closest("a.province") : null;
      map.querySelectorAll("text.readout.shown").forEach(function (t) { t.classList.remove("shown"); });
      if (!link) { return; }
      var readout = map.querySelector('text.readout[data-for="' + link.getAttribute("data-code") + '"]');
      if (readout) { readout.classList.add("shown"); }
    }
    map.addEventListener("focusin", show);
    map.addEventListener("mouseover", show);
    map.addEventListener("focusout", function () {
      map.querySelectorAll("text.readout.shown").forEach(function (t) { t.classList.remove("shown"); });
    });
  });
}());
