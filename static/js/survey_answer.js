// The public questionnaire page: skip logic, progress, and answers kept in local storage across reloads.
// The form works without this script; the server re-checks everything.
(function () {
  var form = document.getElementById("sv-form");
  if (!form) return;
  var key = form.dataset.storage;
  var questions = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-code]"));

  function valueOf(code) {
    var checked = form.querySelector('input[name="' + code + '"]:checked');
    return checked ? checked.value : "";
  }

  function answered(fs) {
    var fields = fs.querySelectorAll("input, textarea");
    var names = {};
    var any = false;
    Array.prototype.forEach.call(fields, function (el) {
      names[el.name] = names[el.name] || false;
      if ((el.type === "radio" || el.type === "checkbox") ? el.checked : el.value.trim() !== "") {
        names[el.name] = true;
        any = true;
      }
    });
    if (fs.querySelector(".sv-row")) { // a matrix: every row answered
      return Object.keys(names).every(function (n) { return names[n]; });
    }
    return any;
  }

  function update() {
    var total = 0, done = 0;
    questions.forEach(function (fs) {
      var code = fs.dataset.showCode;
      fs.hidden = !!code && valueOf(code) !== fs.dataset.showValue;
      if (fs.hidden) return;
      total += 1;
      if (answered(fs)) done += 1;
    });
    var pct = total ? Math.round(done * 100 / total) : 0;
    document.getElementById("sv-progress").style.width = pct + "%";
    document.getElementById("sv-progress-text").textContent = "已答 " + pct + "%";
  }

  function save() {
    if (!key) return;
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") return;
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) (data[el.name] = data[el.name] || []).push(el.value);
      } else if (el.value) {
        data[el.name] = [el.value];
      }
    });
    try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or disabled */ }
  }

  function restore() {
    if (!key || form.querySelector(".is-invalid")) return; // after a refusal the server's copy wins
    var data;
    try { data = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { data = null; }
    if (!data) return;
    Array.prototype.forEach.call(form.elements, function (el) {
      var values = data[el.name];
      if (!values) return;
      if (el.type === "radio" || el.type === "checkbox") el.checked = values.indexOf(el.value) >= 0;
      else if (!el.value) el.value = values[0];
    });
  }

  restore();
  update();
  form.addEventListener("change", function () { update(); save(); });
  form.addEventListener("input", function () { update(); save(); });
  form.addEventListener("submit", function () { save(); });
  if (document.body.dataset.done === "1" && key) localStorage.removeItem(key);
})();
