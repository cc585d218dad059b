// Site-wide behaviour that used to sit in inline handlers (the Content-Security-Policy forbids them):
//   <button data-confirm="确定？">         asks before submitting or following;
//   <select data-autosubmit>               submits its form when changed;
//   <div data-clear-storage="KEY">         removes a saved draft from localStorage once the server has it.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("change", function (event) {
    var el = event.target.closest("[data-autosubmit]");
    if (el && el.form) el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
  });
  function clearDrafts() {
    document.querySelectorAll("[data-clear-storage]").forEach(function (el) {
      try { localStorage.removeItem(el.getAttribute("data-clear-storage")); } catch (e) { /* storage disabled */ }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", clearDrafts);
  else clearDrafts();
})();
