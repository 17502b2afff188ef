// kwippy's only script: small conveniences; every page works without it.
(function () {
  "use strict";

  // The bookmarklet's pop-up closes itself once the bookmark is saved, returning to the page.
  if (document.body && document.body.hasAttribute("data-close-window") && window.opener) {
    window.setTimeout(function () { window.close(); }, 900);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Clicking the bookmarklet here would do nothing useful: explain that it is meant to be dragged.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-bookmarklet]");
    if (link) {
      event.preventDefault();
      link.textContent = "Drag me to your bookmarks bar";
    }
  });
})();
