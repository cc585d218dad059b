// The tablet visit form: repeated rows, and a draft kept in localStorage on every keystroke so that
// nothing typed is lost when the page reloads or the network drops. The client id travels with the draft,
// so resubmitting after a failed request can never create a second visit. Pages extending the visit form (the
// checks' checklist) name their own key (data-draft-key) and their radio answers are kept too.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) { return; }
  var key = form.dataset.draftKey;
  var hasErrors = document.querySelector(".alert-danger") !== null;

  function addRow(kind, values) {
    var tpl = document.getElementById("tpl-" + kind);
    var node = tpl.content.firstElementChild.cloneNode(true);
    document.getElementById(kind === "problem" ? "problems" : "lessons").appendChild(node);
    if (values) {
      node.querySelectorAll("[name]").forEach(function (el, i) { el.value = values[i] || ""; });
    }
    return node;
  }

  function snapshot() {
    var data = {fields: {}, checks: [], multi: {}, problems: [], lessons: []};
    form.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") { return; }
      if (el.closest(".problem-row") || el.closest(".lesson-row")) { return; }
      if (el.type === "checkbox") { if (el.checked) { data.checks.push(el.id); } }
      else if (el.type === "radio") { if (el.checked) { data.fields[el.name] = el.value; } }
      else if (el.multiple) { data.multi[el.name] = Array.from(el.selectedOptions).map(function (o) { return o.value; }); }
      else { data.fields[el.name] = el.value; }
    });
    document.querySelectorAll(".problem-row").forEach(function (row) {
      data.problems.push(Array.from(row.querySelectorAll("[name]")).map(function (el) { return el.value; }));
    });
    document.querySelectorAll(".lesson-row").forEach(function (row) {
      data.lessons.push(Array.from(row.querySelectorAll("[name]")).map(function (el) { return el.value; }));
    });
    return data;
  }

  function save() {
    try { localStorage.setItem(key, JSON.stringify(snapshot())); } catch (e) { /* storage full or disabled */ }
  }

  function restore() {
    var raw = null;
    try { raw = localStorage.getItem(key); } catch (e) { return false; }
    if (!raw) { return false; }
    var data = JSON.parse(raw);
    Object.keys(data.fields).forEach(function (name) {
      var el = form.elements[name];  // a radio group is a RadioNodeList: setting its value checks that radio
      if (el && el.type !== "file") { el.value = data.fields[name]; }
    });
    form.querySelectorAll("input[type=checkbox]").forEach(function (el) { el.checked = data.checks.indexOf(el.id) >= 0; });
    Object.keys(data.multi || {}).forEach(function (name) {
      var el = form.elements[name];
      if (el) { Array.from(el.options).forEach(function (o) { o.selected = data.multi[name].indexOf(o.value) >= 0; }); }
    });
    (data.problems || []).forEach(function (v) { addRow("problem", v); });
    (data.lessons || []).forEach(function (v) { addRow("lesson", v); });
    return true;
  }

  document.querySelectorAll("[data-add]").forEach(function (button) {
    button.addEventListener("click", function () { addRow(button.dataset.add); save(); });
  });
  form.addEventListener("click", function (event) {
    if (event.target.matches("[data-remove]")) { event.target.closest(".row").remove(); save(); }
  });
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function () {
    save();
    var button = document.getElementById("visit-submit");
    button.disabled = true;
    button.textContent = "正在提交……";
  });
  var campus = document.getElementById("id_campus");
  var school = document.getElementById("id_school");
  function filterCampuses() {
    Array.from(campus.options).forEach(function (o) { if (o.value) { o.hidden = o.dataset.school !== school.value; } });
    if (campus.selectedOptions.length && campus.selectedOptions[0].hidden) { campus.value = ""; }
  }
  school.addEventListener("change", filterCampuses);

  if (restore()) {
    document.getElementById("draft-note").hidden = false;
  } else if (!hasErrors) {
    save();
  }
  filterCampuses();
  document.getElementById("draft-clear").addEventListener("click", function () {
    localStorage.removeItem(key);
    window.location.href = window.location.pathname;
  });
})();
