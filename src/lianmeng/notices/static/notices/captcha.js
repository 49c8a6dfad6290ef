/* "换一张": load a new captcha image in place (the page keeps what was typed). Without this
   script the link reloads the page, which loads a new image too. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("#captcha-refresh") : null;
    if (!link) return;
    var image = document.getElementById("captcha-image");
    if (!image) return;
    event.preventDefault();
    image.src = link.getAttribute("data-captcha-src") + "?t=" + Date.now();
    var input = document.getElementById("o-captcha");
    if (input) { input.value = ""; input.focus(); }
  });
})();
