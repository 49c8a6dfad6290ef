/* 建议书在线填报：字数统计、后台自动保存、资格预审面板刷新。
 *
 * The page works without this file (the form posts on 保存 / 保存并继续). With it:
 * - character counters at the seed's limits ("已输入 123 / 200 字", red over the limit);
 * - the form is posted in the background ~1.5 s after typing stops and when a field loses
 *   focus, with the CSRF token and the form's revision; the answer carries the new revision,
 *   so the next save of the same person does not trip over its own revision;
 * - one save at a time; a click on 保存 waits for a save under way;
 * - a refused save (a colleague saved the section meanwhile) stops autosaving and says so,
 *   keeping everything typed in the page;
 * - the eligibility panel is fetched again after each save that changed something.
 */
(function () {
  "use strict";

  var form = document.getElementById("lm-section-form");
  if (!form) {
    return;
  }
  var DELAY = 1500;

  function fieldId(name) {
    return "f-" + name.replace(/\./g, "-").replace(/_/g, "-");
  }

  function textLength(value) {
    // what the server counts: line ends as one character, no leading/trailing blanks,
    // characters (code points) rather than UTF-16 units
    return Array.from(value.replace(/\r\n/g, "\n").trim()).length;
  }

  // -- counters ----------------------------------------------------------------------------
  function updateCounter(counter) {
    var input = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!input) {
      return;
    }
    var n = textLength(input.value);
    var limit = parseInt(counter.getAttribute("data-limit"), 10);
    var slot = counter.querySelector(".lm-n");
    if (slot) {
      slot.textContent = String(n);
    }
    var over = !isNaN(limit) && n > limit;
    counter.classList.toggle("text-danger", over);
    counter.classList.toggle("fw-semibold", over);
    input.classList.toggle("lm-over", over);
    if (over) {
      input.classList.add("is-invalid");
    } else if (!input.getAttribute("data-server-error")) {
      input.classList.remove("is-invalid");
    }
  }

  function updateCounters() {
    form.querySelectorAll("[data-counter-for]").forEach(updateCounter);
  }

  // -- 经费比例 ------------------------------------------------------------------------------
  function parseAmount(value) {
    var text = value.replace(/[,\s]/g, "");
    return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text) ? parseFloat(text) : NaN;
  }

  function updateShares() {
    form.querySelectorAll(".lm-share[data-share-of]").forEach(function (share) {
      var total = document.getElementById(share.getAttribute("data-share-of"));
      var field = share.closest("[data-field]");
      var input = field && document.getElementById(fieldId(field.getAttribute("data-field")));
      var slot = share.querySelector(".lm-n");
      if (!total || !input || !slot) {
        return;
      }
      var whole = parseAmount(total.value);
      var part = parseAmount(input.value);
      slot.textContent = whole > 0 && part >= 0 ? (100 * part / whole).toFixed(1) + "%" : "—";
    });
  }

  updateCounters();
  form.addEventListener("input", function (event) {
    var target = event.target;
    if (target && target.id) {
      var counter = document.querySelector('[data-counter-for="' + target.id + '"]');
      if (counter) {
        updateCounter(counter);
      }
    }
    updateShares();
  });

  // -- autosave ----------------------------------------------------------------------------
  if (form.getAttribute("data-autosave") !== "1") {
    return;
  }
  var status = document.getElementById("lm-autosave-status");
  var alertBox = document.getElementById("lm-form-alert");
  var url = form.getAttribute("action") || window.location.pathname;
  var token = (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var timer = null;
  var dirty = false;
  var inFlight = null;
  var stopped = false;
  var pendingSubmit = null;

  function msg(name) {
    return form.getAttribute("data-msg-" + name) || "";
  }

  function setStatus(text, kind) {
    if (!status) {
      return;
    }
    status.textContent = text;
    status.classList.toggle("lm-ok", kind === "ok");
    status.classList.toggle("lm-bad", kind === "bad");
  }

  function showAlert(kind, text, withReload) {
    if (!alertBox) {
      return;
    }
    alertBox.textContent = "";
    if (!text) {
      return;
    }
    var box = document.createElement("div");
    box.className = "alert alert-" + kind + " py-2";
    box.setAttribute("role", "alert");
    box.appendChild(document.createTextNode(text + " "));
    if (withReload) {
      var link = document.createElement("a");
      link.href = window.location.pathname;
      link.textContent = msg("reload");
      box.appendChild(link);
    }
    alertBox.appendChild(box);
  }

  function showErrors(errors) {
    var count = 0;
    form.querySelectorAll("[data-field]").forEach(function (wrapper) {
      var name = wrapper.getAttribute("data-field");
      var id = fieldId(name);
      var error = document.getElementById(id + "-error");
      var message = errors[name] || "";
      if (message) {
        count += 1;
      }
      if (error) {
        error.textContent = message;
        error.hidden = !message;
      }
      wrapper.querySelectorAll("input, textarea, select").forEach(function (input) {
        if (input.type === "hidden") {
          return;
        }
        if (message) {
          input.setAttribute("data-server-error", "1");
          input.classList.add("is-invalid");
        } else {
          input.removeAttribute("data-server-error");
          if (!input.classList.contains("lm-over")) {
            input.classList.remove("is-invalid");
          }
        }
      });
    });
    if (count) {
      showAlert("danger", msg("errors").replace("{n}", String(count)), false);
    } else if (alertBox && alertBox.querySelector(".alert-danger")) {
      showAlert("", "", false);
    }
    return count;
  }

  function refreshPanel() {
    var panel = document.getElementById("lm-panel");
    var panelUrl = form.getAttribute("data-panel-url");
    if (!panel || !panelUrl) {
      return;
    }
    fetch(panelUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (!html) {
          return;
        }
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#lm-panel");
        var current = document.getElementById("lm-panel");
        if (fresh && current) {
          current.replaceWith(fresh);
        }
      })
      .catch(function () {});
  }

  function payload() {
    var data = new FormData(form);
    data.delete("continue");
    data.delete("save");
    data.set("_autosave", "1");
    return data;
  }

  function save() {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (stopped || !dirty || submitting) {
      // once the form itself is posted it carries everything typed: a background save
      // slipping in before it would make the posted form look stale (a false conflict)
      return inFlight || Promise.resolve();
    }
    if (inFlight) {
      // one save at a time: the changes typed meanwhile go in the next one
      return inFlight.then(save);
    }
    dirty = false;
    setStatus(msg("saving"), "");
    inFlight = fetch(url, {
      method: "POST",
      body: payload(),
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, Accept: "application/json" },
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return { ok: false, message: "" };
          })
          .then(function (body) {
            return { status: response.status, body: body };
          });
      })
      .then(function (result) {
        var body = result.body || {};
        if (result.status === 200 && body.ok) {
          form.elements.revision.value = body.revision;
          form.elements.base.value = body.base;
          var count = showErrors(body.errors || {});
          setStatus((count ? msg("invalid") : msg("saved")) + " " + (body.saved_at || ""), count ? "bad" : "ok");
          if (body.changed && body.changed.length) {
            refreshPanel();
          }
          return;
        }
        if (result.status === 409 || result.status === 403 || result.status === 404) {
          stopped = true;
          setStatus(msg("stopped"), "bad");
          showAlert("warning", body.message || "", result.status === 409);
          return;
        }
        dirty = true;
        setStatus(body.message || msg("failed"), "bad");
      })
      .catch(function () {
        dirty = true;
        setStatus(msg("failed"), "bad");
      })
      .then(function () {
        inFlight = null;
        if (pendingSubmit) {
          var submitter = pendingSubmit;
          pendingSubmit = null;
          submitNow(submitter);
        } else if (dirty && !stopped) {
          schedule();
        }
      });
    return inFlight;
  }

  function schedule() {
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(save, DELAY);
  }

  function changed() {
    dirty = true;
    if (!stopped) {
      schedule();
    }
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("focusout", function () {
    if (dirty && !stopped) {
      save();
    }
  });

  var submitting = false;

  function submitNow(submitter) {
    submitting = true;
    if (submitter && submitter.name) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = submitter.name;
      hidden.value = submitter.value || "1";
      form.appendChild(hidden);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  form.addEventListener("submit", function (event) {
    if (submitting) {
      return;
    }
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (inFlight) {
      // the background save under way would make this form's revision stale: wait for it
      event.preventDefault();
      pendingSubmit = event.submitter || null;
      return;
    }
    submitting = true;
  });

  // leaving the page with unsaved typing: send it once more (nothing typed is lost)
  window.addEventListener("pagehide", function () {
    if (dirty && !stopped && !submitting && navigator.sendBeacon) {
      navigator.sendBeacon(url, payload());
    }
  });
})();
