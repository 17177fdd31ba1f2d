/* 「全选」 for a bulk action, with no inline script (CSP).

   Markup, inside the form of the bulk action:
     <a href="…&select=step" data-select-all="proposals"
        data-label-all="全选（N 条）" data-label-none="取消全选">全选（N 条）</a>
     <b data-selected>0</b>                  (optional: the count of ticked boxes)
   A click ticks every checkbox named by data-select-all in the form (or unticks them all
   when all are ticked) instead of following the link; the link is the no-JavaScript path,
   which reloads the page with the boxes ticked. Nothing is ever ticked without a click. */
(function () {
  "use strict";

  function boxes(link) {
    var form = link.closest("form");
    var name = link.getAttribute("data-select-all");
    return form ? Array.prototype.slice.call(
      form.querySelectorAll('input[type="checkbox"][name="' + name + '"]')) : [];
  }

  function refresh(link) {
    var all = boxes(link);
    var ticked = all.filter(function (box) { return box.checked; }).length;
    var everything = all.length > 0 && ticked === all.length;
    link.textContent = link.getAttribute(everything ? "data-label-none" : "data-label-all");
    link.setAttribute("aria-pressed", everything ? "true" : "false");
    var form = link.closest("form");
    var count = form && form.querySelector("[data-selected]");
    if (count) { count.textContent = String(ticked); }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-select-all]"), function (link) {
      link.setAttribute("role", "button");
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var all = boxes(link);
        var everything = all.every(function (box) { return box.checked; });
        all.forEach(function (box) { box.checked = !everything; });
        refresh(link);
      });
      boxes(link).forEach(function (box) {
        box.addEventListener("change", function () { refresh(link); });
      });
      refresh(link);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
