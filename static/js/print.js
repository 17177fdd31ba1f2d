/* A 「打印」 button (data-print) that opens the browser's print dialog; no inline script
   (CSP). The button is hidden until this script shows it, so a page without JavaScript
   offers no dead button (the browser's own print menu still works, with the print CSS). */
(function () {
  "use strict";
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
