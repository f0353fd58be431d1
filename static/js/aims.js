// Confirm destructive or irreversible actions. Forms opt in with data-confirm="message".
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Error summaries: land on the summary when the page loads, and let each of its links put the
// focus on the field it names (a fragment link alone scrolls but does not move the focus).
// A group of radios or checkboxes has no element with the field's id: its first input takes it.
function aimsFieldFor(id) {
  var el = document.getElementById(id);
  if (el && el.matches("input, select, textarea, button, [tabindex]")) return el;
  return (el || document).querySelector(
    el ? "input, select, textarea" : '[id^="' + id + '_"]'
  ) || el;
}
document.addEventListener("click", function (event) {
  var link = event.target.closest(".error-summary a[data-error-field]");
  if (!link) return;
  var field = aimsFieldFor(link.getAttribute("data-error-field"));
  if (!field) return;
  event.preventDefault();
  var label = document.querySelector('label[for="' + field.id + '"]');
  (label || field).scrollIntoView({ block: "center" });
  field.focus({ preventScroll: true });
  if (history.replaceState) history.replaceState(null, "", "#" + field.id);
});
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary && !location.hash) summary.focus();
});
// Conditional questions: a field with data-show-if="<id of the field it depends on>" and
// data-show-values="a,b" is shown only while that field has one of the values ("on" for a
// ticked checkbox). Without JavaScript every question shows; the server drops the answers
// that do not apply.
function aimsConditionalFields() {
  document.querySelectorAll("[data-show-if]").forEach(function (field) {
    var source = document.getElementById(field.dataset.showIf);
    var wrapper = field.closest(".mb-3") || field;
    if (!source) return;
    var value = source.type === "checkbox" ? (source.checked ? "on" : "") : source.value;
    wrapper.hidden = field.dataset.showValues.split(",").indexOf(value) === -1;
  });
}
document.addEventListener("change", aimsConditionalFields);
document.addEventListener("DOMContentLoaded", aimsConditionalFields);
// Copy buttons: data-copy="<id of the field to copy>"; the button says data-copied-text after.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-copy"));
  if (!field) return;
  field.select();
  var done = function () {
    button.textContent = button.getAttribute("data-copied-text") || "Copied";
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, function () {
      document.execCommand("copy");
      done();
    });
  } else {
    document.execCommand("copy");
    done();
  }
});
