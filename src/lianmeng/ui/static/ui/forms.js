/* Small form behaviours without inline script (the Content-Security-Policy forbids it):
   - a form's submit button with data-busy-text is disabled on submit and shows that text,
     so a double click sends the form once;
   - a <select data-lm-autosubmit> sends its form when its choice changes. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var button = form.querySelector("button[type=submit][data-busy-text]");
    if (!button) return;
    window.setTimeout(function () {
      button.disabled = true;
      button.textContent = button.getAttribute("data-busy-text");
    }, 0);
  });
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select instanceof HTMLSelectElement && select.hasAttribute("data-lm-autosubmit") && select.form) {
      select.form.submit();
    }
  });
})();
