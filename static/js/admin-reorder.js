// Progressive enhancement of the structured editor's ordering (templates/admin/_reorder.html).
// Without this file every item has its 移動先 select and 移動 button (and 上へ/下へ), which post
// a form and reload the page. With it, an item can also be dragged onto another item's place: the
// drop chooses that position in the item's own move form and submits it, so the server does
// exactly what the keyboard path does. After the reload, focus returns to the moved item and the
// status line announces 「3番目に移動しました」.
(function () {
  "use strict";

  var lists = document.querySelectorAll("[data-reorder]");

  function items(list) {
    return Array.prototype.filter.call(list.children, function (child) {
      return child.hasAttribute("data-reorder-item");
    });
  }

  function moveForm(item) {
    return item.querySelector("[data-reorder-form]");
  }

  function submitTo(item, position) {
    var form = moveForm(item);
    if (!form) { return; }
    var select = form.querySelector("select[name=position]");
    var wanted = String(position);
    var found = Array.prototype.some.call(select.options, function (option) { return option.value === wanted; });
    if (!found) { return; }  // dropped on its own place
    select.value = wanted;
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  function unmark(item) {
    item.classList.remove("admin-item--drop-target", "admin-item--drop-before", "admin-item--drop-after");
  }

  lists.forEach(function (list) {
    var dragged = null;
    if (items(list).length < 2) { return; }
    list.classList.add("admin-items--draggable");
    var hint = document.createElement("p");
    hint.className = "hint admin-reorder__hint";
    hint.textContent = "項目をドラッグして並べ替えることもできます（キーボードでは「移動先」を選んで「移動」を押します）。";
    list.parentNode.insertBefore(hint, list);

    items(list).forEach(function (item) {
      if (!moveForm(item)) { return; }
      item.setAttribute("draggable", "true");
      item.addEventListener("dragstart", function (event) {
        // Text selection and the item's links and buttons keep working: only the item is dragged.
        dragged = item;
        item.classList.add("admin-item--dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.id);
      });
      item.addEventListener("dragend", function () {
        item.classList.remove("admin-item--dragging");
        items(list).forEach(unmark);
        dragged = null;
      });
      item.addEventListener("dragover", function (event) {
        if (!dragged || dragged === item) { return; }
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        // Dropped here, the item takes this item's place: an item dragged down lands after it
        // (the line at its bottom edge), one dragged up before it (at its top edge).
        var after = items(list).indexOf(dragged) < items(list).indexOf(item);
        item.classList.add("admin-item--drop-target");
        item.classList.toggle("admin-item--drop-after", after);
        item.classList.toggle("admin-item--drop-before", !after);
      });
      item.addEventListener("dragleave", function () {
        unmark(item);
      });
      item.addEventListener("drop", function (event) {
        if (!dragged || dragged === item) { return; }
        event.preventDefault();
        unmark(item);
        var position = items(list).indexOf(item) + 1;
        var source = dragged;
        dragged = null;
        submitTo(source, position);
      });
    });
  });

  // After the deferred scripts (formsvc.js may focus a form's first field): back to the moved item.
  document.addEventListener("DOMContentLoaded", function () {
    var status = document.getElementById("reorder-status");
    if (!status || !status.hasAttribute("data-message")) { return; }
    var id = decodeURIComponent(window.location.hash.replace(/^#/, ""));
    var item = id ? document.getElementById(id) : null;
    if (item && !document.querySelector("[data-error-summary]")) {
      item.setAttribute("tabindex", "-1");
      item.focus();
    }
    // A live region announces a change, not what a page is loaded with: fill it a moment later.
    window.setTimeout(function () { status.textContent = status.getAttribute("data-message"); }, 300);
  });
}());
