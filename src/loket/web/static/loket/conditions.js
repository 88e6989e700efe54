// Progressive enhancement for forms defined as data: a field with data-show-if is hidden
// while the checkbox or choice it depends on does not have the value it needs. Without
// JavaScript every field is shown, with a hint saying when it applies.
(function () {
  "use strict";
  var fields = document.querySelectorAll("[data-show-if]");
  function valueOf(name) {
    var inputs = document.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "checkbox") { return input.checked ? "true" : "false"; }
      if (input.type === "radio") { if (input.checked) { return input.value.toLowerCase(); } continue; }
      return String(input.value).toLowerCase();
    }
    return "";
  }
  function update() {
    fields.forEach(function (field) {
      var show = valueOf(field.dataset.showIf) === field.dataset.showIfValue;
      field.hidden = !show;
      var hint = field.querySelector(".condition");
      if (hint) { hint.hidden = true; }
    });
  }
  document.addEventListener("change", update);
  update();
})();
