// Progressive enhancement of the condition form (templates/admin/_condition.html): only the value
// inputs that fit the chosen comparison are shown (a choice question has a select for 「が次と同じ」
// and checkboxes for 「が次のどれか」; 「回答がある／ない」 needs no value). Without this file every
// input is shown, each labelled with when it is used; the server reads the right one either way.
(function () {
  "use strict";
  document.querySelectorAll(".admin-condition").forEach(function (fieldset) {
    var operator = fieldset.querySelector("select[name=condition_operator]");
    var values = fieldset.querySelector("[data-condition-values]");
    if (!operator || !values) { return; }
    function update() {
      var chosen = operator.value;
      var none = chosen === "answered" || chosen === "unanswered";
      values.querySelectorAll("[data-condition-operators]").forEach(function (part) {
        part.hidden = none || part.getAttribute("data-condition-operators").split(" ").indexOf(chosen) < 0;
      });
      values.querySelectorAll(".form-group, fieldset").forEach(function (group) {
        if (!group.closest("[data-condition-operators]")) { group.hidden = none; }
      });
    }
    operator.addEventListener("change", update);
    update();
  });
}());
