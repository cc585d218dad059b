// The scoring form's footer: "已评 n / m 项" follows what the scorer fills in, before saving.
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  var progress = document.getElementById("score-progress");
  if (!form || !progress) return;
  var total = Number(progress.getAttribute("data-total"));
  function count() {
    var filled = new Set();
    form.querySelectorAll("input[name^='v-']").forEach(function (input) {
      if ((input.type === "radio" && input.checked) || (input.type !== "radio" && input.value.trim())) filled.add(input.name);
    });
    progress.textContent = "已评 " + filled.size + " / " + total + " 项";
  }
  form.addEventListener("change", count);
  form.addEventListener("input", count);
})();
