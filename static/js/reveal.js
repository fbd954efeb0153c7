// Conditional reveal (progressive enhancement; formsvc/resident/pages/reveal.py). Without this
// file every question is shown with a hint saying when to answer it, and the server ignores an
// answer to a question that does not apply. With it, such a question is hidden until it applies.
(function () {
  "use strict";

  function chosen(form, name) {
    // The values the browser would send for the input(s) called name.
    var values = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { values.push(input.value); }
      } else if (input.value.trim() !== "") {
        values.push(input.value.trim());
      }
    });
    return values;
  }

  function holds(form, condition) {
    if ("const" in condition) { return condition["const"]; }
    if (condition.all) { return condition.all.every(function (c) { return holds(form, c); }); }
    if (condition.any) { return condition.any.some(function (c) { return holds(form, c); }); }
    if (condition["not"]) { return !holds(form, condition["not"]); }
    var values = chosen(form, condition.input);
    var wanted = condition.values;
    switch (condition.op) {
      case "answered": return (values.length > 0) === wanted[0];
      case "equals": return values.length === 1 && values[0] === wanted[0];
      case "not_equals": return !(values.length === 1 && values[0] === wanted[0]);
      case "one_of": return values.length === 1 && wanted.indexOf(values[0]) !== -1;
      case "contains": return values.indexOf(wanted[0]) !== -1;
      default: return true;
    }
  }

  document.querySelectorAll("[data-reveal]").forEach(function (block) {
    var form = block.closest("form");
    var condition;
    try { condition = JSON.parse(block.getAttribute("data-reveal")); } catch (e) { return; }
    // A question with an error was sent as applying: never hide what the resident must fix.
    if (block.querySelector(".error-message")) { return; }
    function update() { block.hidden = !holds(form, condition); }
    form.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
  });
})();
