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

  // An import's page follows the import: its summary is fetched again every 2 s and replaced in
  // place until the import has finished (without this script, the page reloads itself).
  function followImport() {
    var section = document.querySelector("[data-follow-import]");
    if (!section || !window.fetch || !window.DOMParser) {
      return;
    }
    window.setTimeout(function () {
      window.fetch(window.location.href, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          var fresh = html && new DOMParser().parseFromString(html, "text/html")
            .getElementById("import-progress");
          if (!fresh) {
            return;
          }
          section.innerHTML = fresh.innerHTML;
          if (!fresh.hasAttribute("data-follow-import")) {
            section.removeAttribute("data-follow-import");
          }
          followImport();
        })
        .catch(followImport);
    }, 2000);
  }
  followImport();
})();
