// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Move focus to the error summary so screen reader and keyboard users start there.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  // Stop a second click on "submit" from sending twice while the first is in flight
  // (the server also refuses duplicates; this just avoids a confusing second page load).
  document.querySelectorAll("[data-prevent-double-submit]").forEach(function (button) {
    button.form.addEventListener("submit", function () {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();
