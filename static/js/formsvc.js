// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Move focus to the error summary so screen reader and keyboard users start there.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  } else if (document.body.hasAttribute("data-focus-first-field")) {
    // Staff pages are keyboard-first: start typing in the page's first answer at once.
    var first = document.querySelector("main form input:not([type=hidden]):not([disabled]), main form select, main form textarea");
    if (first) { first.focus(); }
  }

  // Stop a second click on "submit" from sending twice while the first is in flight
  // (the server also refuses duplicates; this just avoids a confusing second page load).
  document.querySelectorAll("[data-prevent-double-submit]").forEach(function (button) {
    button.form.addEventListener("submit", function () {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });

  // 住所を検索 without reloading the page. Without JavaScript the same button submits the
  // page and the server fills the address in.
  document.querySelectorAll("[data-postal-lookup]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-postal-lookup"));
    var target = button.getAttribute("data-fills");
    var status = document.createElement("p");
    status.className = "hint";
    status.setAttribute("role", "status");
    button.parentNode.parentNode.appendChild(status);
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var code = (input.value || "").replace(/[^0-9０-９]/g, "");
      fetch("/postal-codes/" + encodeURIComponent(code), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (!data.found) {
            status.textContent = button.getAttribute("data-not-found");
            return;
          }
          ["prefecture", "city", "town"].forEach(function (part) {
            var field = document.getElementById(target + "-" + part);
            if (field) { field.value = data[part]; }
          });
          status.textContent = button.getAttribute("data-found");
          var block = document.getElementById(target + "-block");
          if (block) { block.focus(); }
        })
        .catch(function () { button.form.requestSubmit(button); });
    });
  });

  // A choice such as 「該当なし」 stands alone (the hint says so, and without JavaScript the
  // server refuses it with others): ticking it unticks the others, ticking another unticks it.
  document.querySelectorAll("[data-exclusive-choices]").forEach(function (group) {
    var alone = JSON.parse(group.getAttribute("data-exclusive-choices"));
    var boxes = group.querySelectorAll("input[type=checkbox]");
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        if (!box.checked) { return; }
        var ticked = alone.indexOf(box.value) !== -1;
        boxes.forEach(function (other) {
          if (other !== box && (ticked || alone.indexOf(other.value) !== -1)) { other.checked = false; }
        });
      });
    });
  });

  // Warn a signed-in resident two minutes before their sign-in times out, and let them stay.
  var seconds = parseInt(document.body.getAttribute("data-session-seconds") || "", 10);
  var warning = document.getElementById("timeout-warning");
  if (!isNaN(seconds) && warning) {
    var showAt = Math.max(0, seconds - 120) * 1000;
    var timer = window.setTimeout(function show() {
      warning.hidden = false;
      warning.querySelector("[data-keep-alive]").focus();
    }, showAt);
    warning.querySelector("[data-keep-alive]").addEventListener("click", function () {
      var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
      fetch(document.body.getAttribute("data-keep-alive-url"), {
        method: "POST", headers: { "X-CSRFToken": token }, credentials: "same-origin"
      }).then(function (response) { return response.json(); }).then(function (data) {
        if (!data.signed_in) { window.location.reload(); return; }
        warning.hidden = true;
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { warning.hidden = false; }, Math.max(0, data.seconds_left - 120) * 1000);
      });
    });
  }
})();
