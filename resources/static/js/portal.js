// Small conveniences on top of pages that work fully without scripts.
(function () {
  "use strict";

  var dropdowns = Array.prototype.slice.call(document.querySelectorAll("details.dropdown"));

  function closeAll(except) {
    dropdowns.forEach(function (item) {
      if (item !== except) {
        item.open = false;
      }
    });
  }

  dropdowns.forEach(function (item) {
    item.addEventListener("toggle", function () {
      if (item.open) {
        closeAll(item);
      }
    });
  });

  document.addEventListener("click", function (event) {
    dropdowns.forEach(function (item) {
      if (item.open && !item.contains(event.target)) {
        item.open = false;
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    dropdowns.forEach(function (item) {
      if (item.open) {
        item.open = false;
        var summary = item.querySelector("summary");
        if (summary && item.contains(document.activeElement)) {
          summary.focus();
        }
      }
    });
  });

  // The side menu is always open on large screens.
  var nav = document.querySelector("[data-nav-toggle]");
  if (nav && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 60rem)");
    var sync = function () {
      if (wide.matches) {
        nav.open = true;
      }
    };
    sync();
    if (wide.addEventListener) {
      wide.addEventListener("change", sync);
    }
  }

  // Take keyboard and screen reader users straight to the list of problems.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
