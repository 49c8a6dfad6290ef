/* A button with data-lm-print prints the page (the recovery codes); no inline script. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-lm-print]") : null;
    if (target) window.print();
  });
})();
