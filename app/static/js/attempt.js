// Saves answers as you go and counts down the time limit. The page works without it:
// "Save my answers" and "Submit for grading" are plain form posts.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) return;
  var status = document.getElementById("autosave-status");
  var url = form.getAttribute("data-autosave");
  var timer = null;

  function save() {
    var data = new FormData(form);
    data.delete("action");
    fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": data.get("csrf_token") } })
      .then(function (response) {
        status.textContent = response.ok ? "Saved." : "Not saved: use the Save button.";
      })
      .catch(function () { status.textContent = "Offline: your answers will be saved when you press Save."; });
  }

  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 400);
  });

  // "Submit for grading" with questions left blank: save, then show the server's confirmation (the
  // same section the page without JavaScript goes to) below the form, instead of leaving the page.
  var confirmUrl = form.getAttribute("data-confirm");
  var confirmed = false;

  function unanswered() {
    var blank = 0;
    form.querySelectorAll("fieldset.question").forEach(function (question) {
      var fields = question.querySelectorAll("input, select");
      var answered = Array.prototype.some.call(fields, function (field) {
        return field.type === "radio" || field.type === "checkbox" ? field.checked : field.value.trim() !== "";
      });
      if (!answered) blank += 1;
    });
    return blank;
  }

  function submitPlainly(submitter) {
    confirmed = true;
    form.requestSubmit(submitter);
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (confirmed || !confirmUrl || !submitter || submitter.value !== "submit" || unanswered() === 0) return;
    event.preventDefault();
    var data = new FormData(form);
    data.delete("action");
    fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": data.get("csrf_token") } })
      .then(function (response) {
        if (!response.ok) throw new Error("not saved");
        return fetch(confirmUrl, { credentials: "same-origin" });
      })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error("no confirmation");
        return response.text();
      })
      .then(function (html) {
        var section = new DOMParser().parseFromString(html, "text/html").getElementById("confirm-submit");
        if (!section) throw new Error("no confirmation");
        var previous = document.getElementById("confirm-submit");
        if (previous) previous.remove();
        form.parentNode.insertBefore(section, form.nextSibling); // after the form: its own form cannot nest
        section.querySelectorAll("a").forEach(function (link) {
          if (link.hash) return; // a link to one unanswered question: the browser scrolls to it
          link.addEventListener("click", function (click) {
            click.preventDefault();
            section.remove();
            submitter.focus();
          });
        });
        var heading = section.querySelector("h2");
        heading.tabIndex = -1;
        heading.focus({ preventScroll: true });
        section.scrollIntoView({ block: "end" }); // the whole question, its links and its buttons in view
      })
      .catch(function () { submitPlainly(submitter); });
  });

  var deadline = document.getElementById("deadline");
  if (deadline) {
    var end = Date.parse(deadline.getAttribute("data-deadline"));
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      deadline.textContent = "Time left: " + Math.floor(left / 60) + " min " + String(left % 60).padStart(2, "0") + " s";
      if (left > 0) setTimeout(tick, 1000);
    };
    tick();
  }
})();
