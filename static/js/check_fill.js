// The checklist card of a 专项检查 inside the visit form: shows the "现场整改到位 / 纳入整改通知" choice only for an
// item that fails (否, or a number outside its range). The answers themselves are kept in the visit form's
// offline draft (visit_form.js, key per round and target) and restored before this runs.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) { return; }

  function fails(box) {
    var kind = box.dataset.kind, id = box.dataset.item;
    var na = form.querySelector("#a_" + id + "_na");
    if (na && na.checked) { return false; }
    if (kind === "yes_no") {
      var no = form.querySelector("#a_" + id + "_no");
      return !!(no && no.checked);
    }
    if (kind === "number") {
      var input = form.querySelector("#n_" + id);
      if (!input || input.value.trim() === "") { return false; }
      var v = Number(input.value);
      if (isNaN(v)) { return false; }
      if (box.dataset.min !== undefined && v < Number(box.dataset.min)) { return true; }
      return box.dataset.max !== undefined && v > Number(box.dataset.max);
    }
    return false;
  }

  function update() {
    form.querySelectorAll(".check-item").forEach(function (box) {
      var row = box.querySelector(".settle-row");
      if (!row) { return; }
      var failed = fails(box);
      row.hidden = !failed;
      box.classList.toggle("border-danger", failed);
      if (!failed) { row.querySelectorAll("input").forEach(function (el) { el.checked = false; }); }
    });
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
