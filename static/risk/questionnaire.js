// The classification questionnaire: a question with a show_if condition is shown only when,
// for every named question, its current answer is among the listed values (for checkboxes:
// any ticked value). A hidden question's inputs are disabled, so it is not sent: the engine
// does not ask it. Without JavaScript every question shows and the engine still decides.
(function () {
  "use strict";
  var form = document.querySelector("form[data-questionnaire]");
  if (!form) return;
  var ANY_BUT_NONE = form.getAttribute("data-any-but-none") || "";

  function picked(name) {
    var values = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if (!input.disabled && input.checked) values.push(input.value);
    });
    return values;
  }

  function holds(condition) {
    return Object.keys(condition).every(function (name) {
      var allowed = condition[name].map(function (v) {
        return v === true ? "yes" : v === false ? "no" : String(v);
      });
      return picked(name).some(function (value) {
        if (allowed.indexOf(value) !== -1) return true;
        return allowed.indexOf(ANY_BUT_NONE) !== -1 && value !== "none" && value !== "unsure";
      });
    });
  }

  function update() {
    // Twice: showing a question may make a question that depends on it visible.
    for (var pass = 0; pass < 2; pass++) {
      form.querySelectorAll("[data-show-if]").forEach(function (box) {
        var condition = JSON.parse(box.getAttribute("data-show-if") || "{}");
        var show = Object.keys(condition).length === 0 || holds(condition);
        box.hidden = !show;
        box.querySelectorAll("input, select, textarea").forEach(function (input) {
          input.disabled = !show;
        });
      });
    }
  }

  form.addEventListener("change", update);
  update();
})();
