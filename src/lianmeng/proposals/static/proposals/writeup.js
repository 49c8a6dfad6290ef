/* 可行性研究报告、协议书的在线撰写：一个很小的富文本编辑框。
 *
 * Without this file each section is a plain text box (lines become paragraphs; limited HTML
 * is accepted). With it the box becomes an editable area with a toolbar (bold, italic,
 * underline, lists, sub-headings, a table); on saving, its HTML goes back into the text box and
 * the server keeps only the allowed tags. The text shown comes from the server already
 * sanitised. Leaving the page with unsaved changes asks first.
 */
(function () {
  "use strict";

  var dirty = false;
  try {
    document.execCommand("defaultParagraphSeparator", false, "p");
  } catch (e) {
    // older browsers: the server wraps loose lines into paragraphs anyway
  }

  document.querySelectorAll("form.lm-writeup-form").forEach(function (form) {
    var textarea = form.querySelector("textarea.lm-writeup");
    var toolbar = form.querySelector(".lm-toolbar");
    if (!textarea || !toolbar || typeof document.execCommand !== "function") {
      return;
    }
    var editor = document.createElement("div");
    editor.className = "form-control lm-writeup-editor";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    editor.setAttribute("aria-label", form.querySelector("label[for='" + textarea.id + "']").textContent);
    if (textarea.getAttribute("aria-describedby")) {
      editor.setAttribute("aria-describedby", textarea.getAttribute("aria-describedby"));
    }
    var value = textarea.value.trim();
    editor.innerHTML = /<[a-z][\s\S]*>/i.test(value) ? value : value
      .split(/\n+/)
      .filter(function (line) { return line.trim(); })
      .map(function (line) {
        var p = document.createElement("p");
        p.textContent = line;
        return p.outerHTML;
      })
      .join("");
    textarea.hidden = true;
    textarea.parentNode.insertBefore(editor, textarea);
    toolbar.hidden = false;

    editor.addEventListener("input", function () { dirty = true; });
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-cmd]");
      if (!button) {
        return;
      }
      editor.focus();
      var cmd = button.getAttribute("data-cmd");
      if (cmd === "table") {
        var cell = button.getAttribute("data-label-cell") || "";
        var row = "<tr><td>" + cell + "</td><td>" + cell + "</td><td>" + cell + "</td></tr>";
        document.execCommand("insertHTML", false, "<table><tbody>" + row + row + "</tbody></table><p><br></p>");
      } else if (cmd === "formatBlock") {
        document.execCommand("formatBlock", false, button.getAttribute("data-value"));
      } else {
        document.execCommand(cmd, false, null);
      }
      dirty = true;
    });
    form.addEventListener("submit", function () {
      textarea.value = editor.innerHTML;
      dirty = false;
    });
  });

  document.querySelectorAll("textarea.lm-writeup").forEach(function (textarea) {
    textarea.addEventListener("input", function () { dirty = true; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
