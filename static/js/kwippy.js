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

  // "Select all on this page" ticks every bookmark in place (without JavaScript it reloads the
  // page with every box ticked); once all are ticked it clears them.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-select-all]");
    if (!link) { return; }
    event.preventDefault();
    var boxes = document.querySelectorAll("input.select-post");
    var all = Array.prototype.every.call(boxes, function (box) { return box.checked; });
    Array.prototype.forEach.call(boxes, function (box) { box.checked = !all; });
    link.textContent = all ? "Select all on this page" : "Clear the selection";
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
