// Progressive enhancement for the pages under /app: everything works without this file.
(function () {
  "use strict";

  // Live preview of the article as it will read, rendered by the server with the portal's renderer.
  var preview = document.querySelector("[data-preview-for]");
  if (preview) {
    var source = document.getElementById(preview.getAttribute("data-preview-for"));
    var csrf = document.querySelector("input[name=_csrf]");
    var timer = null;
    var form = source.form;
    var refresh = function () {
      var body = new URLSearchParams(new FormData(form));
      body.set("_csrf", csrf ? csrf.value : "");
      fetch("/app/preview", { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { preview.innerHTML = html; })
        .catch(function () {});
    };
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
    refresh();
  }

  // Ask before irreversible actions.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  // Bring the list of form errors into view and focus.
  var errors = document.getElementById("loi");
  if (errors) errors.focus();
})();
