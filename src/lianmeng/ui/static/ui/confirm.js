/* Irreversible actions: a submit button with data-lm-confirm="<dialog id>" first opens that
   <dialog>, which spells out the consequence; its confirm button sends the form with
   confirmed=1 (and the button's own name/value). Without this script the server shows the
   same question as a page (lianmeng.ui.confirm). A trigger with data-busy-text is disabled
   and shows that text once confirmed. No framework, no CDN. */
(function () {
  "use strict";
  if (window.lmConfirm) return;
  window.lmConfirm = true;
  var pending = null;

  function hidden(form, name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    input.setAttribute("data-lm-confirm-added", "");
    form.appendChild(input);
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var trigger = target.closest("[data-lm-confirm]");
    if (trigger) {
      var dialog = document.getElementById(trigger.getAttribute("data-lm-confirm"));
      if (!dialog || typeof dialog.showModal !== "function" || !trigger.form) return;
      event.preventDefault();
      if (!trigger.form.reportValidity()) return;
      pending = trigger;
      dialog.showModal();
      return;
    }
    if (target.closest("[data-lm-confirm-cancel]")) {
      var open = target.closest("dialog");
      if (open) open.close();
      pending = null;
      return;
    }
    if (target.closest("[data-lm-confirm-ok]") && pending) {
      var button = pending;
      var form = button.form;
      pending = null;
      target.closest("dialog").close();
      form.querySelectorAll("[data-lm-confirm-added]").forEach(function (el) { el.remove(); });
      if (button.name) hidden(form, button.name, button.value);
      var action = button.getAttribute("formaction");
      if (action) form.action = action;
      hidden(form, "confirmed", "1");
      // a long action (ranking a whole campaign) says it is running and is sent once
      var busy = button.getAttribute("data-busy-text");
      if (busy) {
        button.disabled = true;
        button.textContent = busy;
      }
      form.submit();
    }
  });
})();
