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
      // Editing a saved report: the server shows its images where "[Hình N]" places them.
      if (preview.getAttribute("data-report-id")) body.set("reportId", preview.getAttribute("data-report-id"));
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

  // A periodic report's figure that moves past its indicator's threshold from the previous period
  // (the same rule as the server's src/domain/indicators.ts changeChecks): its note field appears
  // with the warning as the value is typed, instead of after the save.
  var vn = function (x, d) {
    var parts = x.toFixed(d).split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return parts[1] ? parts[0] + "," + parts[1] : parts[0];
  };
  var decimalsOf = function (x) {
    for (var d = 0; d < 4; d++) if (Number(x.toFixed(d)) === x) return d;
    return 4;
  };
  document.querySelectorAll("input[data-max-change]").forEach(function (input) {
    var block = document.getElementById(input.getAttribute("data-note") + "-block");
    var hint = document.getElementById(input.getAttribute("data-note") + "-hint");
    var note = document.getElementById(input.getAttribute("data-note"));
    if (!block || !hint || !note) return;
    var previous = Number(input.getAttribute("data-previous"));
    var max = Number(input.getAttribute("data-max-change"));
    var show = function (x) {
      var text = vn(x, decimalsOf(x));
      return input.hasAttribute("data-percent") ? text + "%" : text + " " + input.getAttribute("data-unit");
    };
    var check = function () {
      var typed = input.value.trim().replace(/\.(?=\d{3}(\D|$))/g, "").replace(",", ".").replace(/%$/, "");
      var current = typed === "" ? NaN : Number(typed);
      var message = "";
      if (isFinite(current)) {
        var label = input.getAttribute("data-label");
        if (previous === 0) {
          if (current !== 0) message = label + " từ 0 " + (current > 0 ? "lên " : "xuống ") + show(current) + " so với kỳ trước";
        } else {
          var pct = Math.round(((current - previous) / Math.abs(previous)) * 1000) / 10;
          if (Math.abs(pct) > max) message = label + (pct > 0 ? " tăng " : " giảm ") + vn(Math.abs(pct), decimalsOf(Math.abs(pct))) + "% so với kỳ trước (" + show(previous) + " → " + show(current) + "), vượt ngưỡng " + vn(max, decimalsOf(max)) + "%";
        }
      }
      hint.textContent = message ? message + ". Ghi giải trình trước khi trình." : "";
      block.classList.toggle("warning", message !== "");
      // A note already written stays in view even if the value comes back within the threshold.
      block.hidden = message === "" && note.value.trim() === "";
    };
    input.addEventListener("input", check);
  });

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

// "Chèn vào bài": types "[Hình N]" on a line of its own at the cursor in the body field (the hint
// beside the list says how to type it by hand when this file does not run).
(function () {
  "use strict";
  document.querySelectorAll("[data-insert-figure]").forEach(function (item) {
    var field = document.getElementById(item.getAttribute("data-insert-into"));
    if (!field) return;
    var n = item.getAttribute("data-insert-figure");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = "Chèn vào bài";
    button.setAttribute("aria-label", "Chèn hình " + n + " vào bài tại vị trí con trỏ");
    button.addEventListener("click", function () {
      var text = field.value;
      var start = field.selectionStart == null ? text.length : field.selectionStart;
      var end = field.selectionEnd == null ? start : field.selectionEnd;
      var before = text.slice(0, start);
      var after = text.slice(end);
      // A blank line around the marker keeps it a block of its own in Markdown.
      var lead = before === "" ? "" : /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
      var tail = after === "" ? "\n" : /^\n\n/.test(after) ? "" : /^\n/.test(after) ? "\n" : "\n\n";
      var marker = lead + "[Hình " + n + "]" + tail;
      field.value = before + marker + after;
      var caret = before.length + marker.length;
      field.focus();
      field.setSelectionRange(caret, caret);
      // The live preview listens for input on the form.
      field.dispatchEvent(new Event("input", { bubbles: true }));
    });
    item.appendChild(document.createTextNode(" "));
    item.appendChild(button);
  });
})();

// Issue 15 point 9 (src/web/report-page.tsx): the "In phiếu trình" button on the print sheet
// (/app/reports/:id?in=1) opens the browser's print dialog. It is hidden in the page as sent, so
// without this file nobody sees a button that does nothing (the browser's own Print still works).
(function () {
  "use strict";
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();

// Forms (issue 15 points 5, 6, 7): confirmations, stale errors, dates typed on a number pad.
(function () {
  "use strict";

  // A confirmed action says so: the server answers an unconfirmed destructive POST with a page
  // that asks (for browsers without this file), so the dialog's yes travels as "confirmed=1".
  var confirmed = function (form) {
    if (form.querySelector("input[name=confirmed]")) return;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "confirmed";
    input.value = "1";
    form.appendChild(input);
  };
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    // After the dialog of the section above: only a submit it let through is marked.
    form.addEventListener("submit", function (event) {
      if (!event.defaultPrevented) confirmed(form);
    });
  });
  // A single button of a form with several (an image's "Xoá" beside "Lưu chú thích"): it asks
  // with its own question, data-confirm on the button or, for an image, its label.
  var askers = "button[data-confirm], form[action*='/images/'] button[name=action][value=delete]";
  document.querySelectorAll(askers).forEach(function (button) {
    button.addEventListener("click", function (event) {
      var question = button.getAttribute("data-confirm") || (button.getAttribute("aria-label") || button.textContent).trim() + "? Hình sẽ bị gỡ khỏi báo cáo.";
      if (!window.confirm(question)) event.preventDefault();
      else if (button.form) confirmed(button.form);
    });
  });

  // A field's error goes as the field is fixed: its message, its red border and its line in the
  // summary at the top (the summary itself when none is left). The server checks again on save.
  var clearError = function (field) {
    if (!field.id || field.getAttribute("aria-invalid") !== "true") return;
    field.removeAttribute("aria-invalid");
    var message = document.getElementById(field.id + "-error");
    if (message) message.parentNode.removeChild(message);
    var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && id !== field.id + "-error"; });
    if (described.length) field.setAttribute("aria-describedby", described.join(" "));
    else field.removeAttribute("aria-describedby");
    var summary = document.getElementById("loi");
    if (!summary) return;
    summary.querySelectorAll("a[href='#" + field.id + "']").forEach(function (link) {
      var item = link.closest("li");
      if (item) item.parentNode.removeChild(item);
    });
    var left = summary.querySelectorAll("li").length;
    if (left === 0) summary.parentNode.removeChild(summary);
    else {
      var count = summary.querySelector("strong");
      if (count) count.textContent = "Vui lòng sửa " + left + " lỗi:";
    }
  };
  var onEdit = function (event) {
    var field = event.target;
    if (field && field.matches && field.matches("input, select, textarea")) clearError(field);
  };
  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);

  // dd/mm/yyyy and dd/mm/yyyy HH:mm typed as digits (a phone's number pad has no "/", " " or
  // ":"): the separators go in as the digits come. Someone typing "2/1/2025" with their own
  // separators is left alone; so is any edit not at the end of the field.
  var GROUPS = { date: [2, 2, 4], datetime: [2, 2, 4, 2, 2] };
  var SEPARATORS = ["/", "/", " ", ":"];
  document.querySelectorAll("input[data-date-mask]").forEach(function (input) {
    var groups = GROUPS[input.getAttribute("data-date-mask")];
    if (!groups) return;
    input.addEventListener("input", function (event) {
      if (event.inputType && event.inputType.indexOf("delete") === 0) return;
      var value = input.value;
      if (input.selectionStart !== value.length || !/^[\d\/ :]*$/.test(value)) return;
      var typed = value.split(/[\/ :]/);
      // A separator just typed by hand stays.
      if (typed[typed.length - 1] === "") return;
      // Every group but the last complete: the separators are where the mask puts them.
      for (var i = 0; i < typed.length - 1; i++) if (typed[i].length !== groups[i]) return;
      var digits = value.replace(/\D/g, "");
      var out = "";
      for (var g = 0, at = 0; g < groups.length && at < digits.length; g++) {
        if (g > 0) out += SEPARATORS[g - 1];
        out += digits.slice(at, at + groups[g]);
        at += groups[g];
      }
      if (out !== value) input.value = out;
    });
  });

  // The unit filter: the names of the units the user reads, fetched once on first focus, as the
  // field's suggestions. Without them the name typed is still looked up when the form is sent.
  Array.prototype.forEach.call(document.querySelectorAll("input[data-unit-names]"), function (input) {
    var list = input.list;
    if (!list) return;
    var load = function () {
      input.removeEventListener("focus", load);
      fetch(input.getAttribute("data-unit-names"), { credentials: "same-origin", headers: { accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (names) {
          names.forEach(function (name) {
            var option = document.createElement("option");
            option.value = name;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    };
    input.addEventListener("focus", load);
  });
})();
