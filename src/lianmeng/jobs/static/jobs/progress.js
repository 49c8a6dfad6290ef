// The progress page of a background job (lianmeng.jobs): polls its status.json and moves the
// <progress> bar, shows the download button when done and the error when it failed.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var percent = document.getElementById("job-percent");
  var state = document.getElementById("job-state");
  var message = document.getElementById("job-message");
  var error = document.getElementById("job-error");
  var errorText = document.getElementById("job-error-text");
  var download = document.getElementById("job-download");
  var filename = document.getElementById("job-filename");
  var delay = 500;

  var BADGES = {
    queued: "text-bg-secondary", running: "text-bg-primary",
    done: "text-bg-success", failed: "text-bg-danger"
  };

  function show(data) {
    bar.value = data.progress;
    bar.textContent = data.progress + "%";
    percent.textContent = data.progress + "%";
    message.textContent = data.message || "";
    state.textContent = data.state_label;
    state.className = "badge " + (BADGES[data.state] || "text-bg-secondary");
    box.setAttribute("data-state", data.state);
    if (data.state === "failed") {
      errorText.textContent = data.error;
      error.classList.remove("d-none");
    }
    if (data.download_url) {
      download.href = data.download_url;
      filename.textContent = data.filename || "";
      download.classList.remove("d-none");
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (!data.finished) {
          delay = Math.min(delay * 1.5, 5000);
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  if (box.getAttribute("data-state") !== "done" && box.getAttribute("data-state") !== "failed") {
    window.setTimeout(poll, delay);
  }
})();
