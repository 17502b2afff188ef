// kwippy's only script: small conveniences; every page works without it.
(function () {
  "use strict";

  // The bookmarklet's pop-up closes itself once the bookmark is saved, returning to the page.
  // Whatever window.opener says: our Cross-Origin-Opener-Policy (same-origin) moves a pop-up
  // opened from another site into a browsing context group of its own, where opener is null,
  // yet a window a script opened may still close itself.
  if (document.body && document.body.hasAttribute("data-close-window")) {
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

  // Tag suggestions: a tags field names, in data-suggest, the JSON list of tags to offer (the
  // person's own most used first, then those others gave the link). While the last word is
  // typed, a listbox offers the tags that start with it (then those that contain it); arrows
  // move, Enter or Tab takes one, Escape closes. Without JavaScript the field is a plain input.
  var SHOWN = 8;
  var tagFieldCount = 0;

  function tagSuggest(input) {
    var data = document.getElementById(input.getAttribute("data-suggest"));
    if (!data) { return; }
    var tags = JSON.parse(data.textContent);
    if (!tags.length) { return; }
    tagFieldCount += 1;
    var list = document.createElement("ul");
    list.id = "tag-listbox-" + tagFieldCount;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    input.parentNode.insertBefore(list, input.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var active = -1;

    function words() { return input.value.split(/[\s,]+/); }

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function mark(index) {
      var options = list.children;
      if (active >= 0 && options[active]) { options[active].setAttribute("aria-selected", "false"); }
      active = index;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[active].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function take(tag) {
      var text = input.value.replace(/[^\s,]*$/, "");
      input.value = text + tag + " ";
      close();
      input.focus();
    }

    function open() {
      var all = words();
      var typed = all[all.length - 1].toLowerCase();
      close();
      if (!typed) { return; }
      var chosen = {};
      all.slice(0, -1).forEach(function (word) { chosen[word.toLowerCase()] = true; });
      var starts = [], contains = [];
      tags.forEach(function (tag) {
        if (chosen[tag] || tag === typed) { return; }
        var at = tag.indexOf(typed);
        if (at === 0) { starts.push(tag); } else if (at > 0) { contains.push(tag); }
      });
      var shown = starts.concat(contains).slice(0, SHOWN);
      if (!shown.length) { return; }
      shown.forEach(function (tag, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = tag;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          take(tag);
        });
        list.appendChild(option);
      });
      list.style.top = (input.offsetTop + input.offsetHeight) + "px";
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    input.addEventListener("input", open);
    input.addEventListener("blur", close);
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      var count = list.children.length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        mark((active + 1) % count);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        mark(active <= 0 ? count - 1 : active - 1);
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        take(list.children[active].textContent);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), tagSuggest);

  // The add form fills an empty title with the page's own once a worker has read it (the pages
  // app): asked when an address is entered, then every second for a few seconds. A title the
  // person typed meanwhile is left alone; without this script the page's title comes later.
  function titlePreview(form) {
    var url = form.elements.url;
    var title = form.elements.title;
    if (!url || !title || !window.fetch) { return; }
    var status = document.createElement("p");
    status.className = "help";
    status.setAttribute("role", "status");
    title.parentNode.appendChild(status);
    var asked = "";
    var timer = null;
    function ask(address, triesLeft) {
      var body = new URLSearchParams();
      body.set("url", address);
      body.set("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
      window.fetch(form.getAttribute("data-title-preview"), {
        method: "POST", body: body, credentials: "same-origin"
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (answer) {
        if (!answer || address !== asked || title.value.trim()) { return; }
        if (answer.ready) {
          if (answer.title) {
            title.value = answer.title;
            status.textContent = "Title filled in from the page.";
          }
        } else if (triesLeft > 0) {
          timer = window.setTimeout(function () { ask(address, triesLeft - 1); }, 1000);
        }
      }, function () {});
    }
    function start() {
      var address = url.value.trim();
      if (!address || address === asked || title.value.trim()) { return; }
      asked = address;
      window.clearTimeout(timer);
      ask(address, 8);
    }
    url.addEventListener("change", start);
    start();
  }
  Array.prototype.forEach.call(document.querySelectorAll("form[data-title-preview]"), titlePreview);

  // The site bar's menu (a <details>, which opens and closes without this script) also closes
  // on Escape, giving the focus back to its button, and on a click anywhere else.
  document.addEventListener("keydown", function (event) {
    var menu = event.key === "Escape" && event.target.closest && event.target.closest("details.menu[open]");
    if (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    Array.prototype.forEach.call(document.querySelectorAll("details.menu[open]"), function (menu) {
      if (!menu.contains(event.target)) { menu.open = false; }
    });
  });

  // A Copy button beside a secret (a new app password): without the Clipboard API, or without
  // this script, it stays hidden and the secret stays selectable text. The status beside it says
  // "Copied" to screen readers too.
  if (navigator.clipboard && window.isSecureContext) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      var status = button.parentNode.querySelector(".copy-status");
      if (!source) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          status.textContent = "Copied";
        }, function () {
          status.textContent = "Could not copy: select the password and copy it yourself";
        });
      });
    });
  }

  // An offered text (a page's own description, on the edit page) fills its field when asked, never
  // by itself; without this script the button stays hidden and the text is there to copy.
  Array.prototype.forEach.call(document.querySelectorAll("[data-fill]"), function (button) {
    var field = document.getElementById(button.getAttribute("data-fill"));
    var source = document.getElementById(button.getAttribute("data-fill-from"));
    var status = button.parentNode.querySelector(".fill-status");
    if (!field || !source) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.value = source.textContent.trim();
      field.focus();
      if (status) { status.textContent = "Description filled in: save to keep it"; }
    });
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
  // place until the import has finished. Without this script the server's Refresh header reloads
  // the page; with it, window.stop() cancels that pending reload, once the page has loaded so as
  // not to stop the loading of anything else.
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
            // Finished: nothing is left to stop.
            var updates = document.getElementById("import-updates");
            if (updates) {
              updates.remove();
            }
          }
          followImport();
        })
        .catch(followImport);
    }, 2000);
  }
  if (document.querySelector("[data-follow-import]")) {
    if (document.readyState === "complete") {
      window.stop();
    } else {
      window.addEventListener("load", function () { window.stop(); });
    }
  }
  followImport();
})();
