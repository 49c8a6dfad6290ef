/* 成员单位名单、主要成员单位、申报材料附件页面的小功能。
 *
 * Every page works without this file. With it: live character counters ("已输入 n / 100 字",
 * red over the limit, nothing is cut off), platform rows added and removed in the member form,
 * the registered area shown as a code is typed, a confirmation before deleting, and a file
 * over the size limit flagged before it is sent.
 */
(function () {
  "use strict";

  function textLength(value) {
    return Array.from(value.replace(/\r\n/g, "\n").trim()).length;
  }

  // -- counters --------------------------------------------------------------------------
  document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
    var input = document.getElementById(counter.getAttribute("data-counter-for"));
    var limit = parseInt(counter.getAttribute("data-limit"), 10);
    var slot = counter.querySelector(".lm-n");
    if (!input || !slot) {
      return;
    }
    function update() {
      var n = textLength(input.value);
      slot.textContent = String(n);
      var over = n > limit;
      counter.classList.toggle("text-danger", over);
      counter.classList.toggle("fw-semibold", over);
      input.classList.toggle("is-invalid", over || input.getAttribute("data-server-error") === "1");
    }
    if (input.classList.contains("is-invalid")) {
      input.setAttribute("data-server-error", "1");
    }
    input.addEventListener("input", function () {
      input.removeAttribute("data-server-error");
      update();
    });
    update();
  });

  // -- platform rows ---------------------------------------------------------------------
  var platforms = document.querySelector(".lm-platforms");
  var addButton = document.querySelector(".lm-platform-add");
  if (platforms && addButton) {
    var next = parseInt(platforms.getAttribute("data-next"), 10) || 0;
    function wire(row) {
      var remove = row.querySelector(".lm-platform-remove");
      if (!remove) {
        return;
      }
      remove.hidden = false;
      remove.addEventListener("click", function () {
        if (platforms.querySelectorAll(".lm-platform").length > 1) {
          row.remove();
        } else {
          row.querySelectorAll("input, select").forEach(function (el) { el.value = ""; });
        }
      });
    }
    platforms.querySelectorAll(".lm-platform").forEach(wire);
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var rows = platforms.querySelectorAll(".lm-platform");
      var template = rows[rows.length - 1];
      var row = template.cloneNode(true);
      row.querySelectorAll(".text-danger.small").forEach(function (el) { el.remove(); });
      row.querySelectorAll("input, select, label").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) {
            el.setAttribute(attr, value.replace(/(platform-|p)\d+/, "$1" + next));
          }
        });
        if (el.tagName !== "LABEL") {
          el.value = "";
          el.classList.remove("is-invalid");
        }
      });
      platforms.appendChild(row);
      wire(row);
      next += 1;
      var first = row.querySelector("input");
      if (first) {
        first.focus();
      }
    });
  }

  // -- registered area preview -------------------------------------------------------------
  var regionInput = document.getElementById("f-region");
  var usccInput = document.getElementById("f-uscc");
  var preview = document.querySelector(".lm-region-preview");
  if (preview && (regionInput || usccInput)) {
    var timer = null;
    function lookup() {
      var code = regionInput && /^\d{6}$/.test(regionInput.value.trim()) ? regionInput.value.trim() : "";
      var fromUscc = false;
      if (!code && usccInput) {
        var uscc = usccInput.value.replace(/\s/g, "").toUpperCase();
        if (uscc.length === 18 && /^\d{6}$/.test(uscc.slice(2, 8))) {
          code = uscc.slice(2, 8);
          fromUscc = true;
        }
      }
      if (!code) {
        return;
      }
      fetch("/api/v1/jurisdictions/" + code, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (area) {
          var t = function (key) { return preview.getAttribute("data-t-" + key) || ""; };
          preview.textContent = area
            ? t("area") + "：" + area.name + "（" + code + (fromUscc ? "，" + t("by-uscc") : "") +
              (area.active ? "" : "，" + t("old")) + "）"
            : code + " " + t("unknown");
        })
        .catch(function () {});
    }
    [regionInput, usccInput].forEach(function (el) {
      if (el) {
        el.addEventListener("input", function () {
          clearTimeout(timer);
          timer = setTimeout(lookup, 400);
        });
      }
    });
  }

  // -- confirmations and upload size ------------------------------------------------------------
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
  document.querySelectorAll("form.lm-upload[data-limit]").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    var hint = form.querySelector(".lm-upload-hint");
    var limit = parseInt(form.getAttribute("data-limit"), 10);
    if (!input || !hint) {
      return;
    }
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      hint.textContent = file && file.size > limit ? form.getAttribute("data-t-too-large") : "";
    });
  });
})();
