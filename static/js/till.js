/* The love supermarket's till (爱心超市): a running total as the clerk types quantities.
   No inline script (CSP). The form carries data-till and data-rate (points per yuan); each
   quantity box carries data-price-fen (its price in fen). The total is computed like the
   server does it (points.domain.store.points_for): the amount in fen times the rate, rounded
   up to a whole point — the server computes it again on submit, and that is what counts. */
(function () {
  "use strict";

  function whole(value) {
    var text = String(value || "").trim();
    return /^\d{1,6}$/.test(text) ? parseInt(text, 10) : (text === "" ? 0 : NaN);
  }

  function update(form) {
    var rate = parseInt(form.getAttribute("data-rate"), 10) || 1;
    var fen = 0, bad = false;
    Array.prototype.forEach.call(form.querySelectorAll("[data-price-fen]"), function (box) {
      var quantity = whole(box.value);
      if (isNaN(quantity)) { bad = true; return; }
      fen += quantity * parseInt(box.getAttribute("data-price-fen"), 10);
    });
    var points = Math.ceil((fen * rate) / 100);
    var availableEl = form.querySelector("[data-available]");
    var available = parseInt(availableEl.getAttribute("data-available"), 10);
    var remaining = available - points;
    form.querySelector("[data-total-points]").textContent = bad ? "?" : String(points);
    form.querySelector("[data-total-yuan]").textContent = bad ? "?" : (fen / 100).toFixed(2);
    form.querySelector("[data-remaining]").textContent = bad ? "?" : String(remaining);
    var over = !bad && remaining < 0;
    form.querySelector("[data-over]").hidden = !over;
    form.querySelector("[data-remaining-wrap]").classList.toggle("over", over);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-till]"), function (form) {
      form.addEventListener("input", function () { update(form); });
      form.addEventListener("change", function () { update(form); });
      update(form);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
