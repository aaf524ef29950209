// Saves answers as you go and counts down the time limit. The page works without it:
// "Save my answers" and "Submit for grading" are plain form posts.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  if (!form) return;
  var status = document.getElementById("autosave-status");
  var url = form.getAttribute("data-autosave");
  // One save at a time, the next at least SAVE_EVERY ms after the last one ended: an answer given
  // after a pause is saved 0.4 s later, answers given in quick succession go together in the next
  // save, and a slow server is asked less often, not more (issue #20: 2,000 officers at once;
  // Moodle's quizzes save every 60 s). Each save posts only the questions changed since the last.
  var SAVE_EVERY = 5000;
  var DEBOUNCE = 400;
  var timer = null;
  var inFlight = false;
  var lastSave = -Infinity; // when the last save ended
  var changed = new Set(); // the fieldsets of the questions changed since the last save that reached the server

  function say(key) {
    status.textContent = status.getAttribute("data-" + key) || "";
  }

  // An order or a matching half given is not an answer yet: it waits until every position is chosen.
  function complete(fieldset) {
    var selects = fieldset.querySelectorAll("select");
    var chosen = Array.prototype.filter.call(selects, function (select) { return select.value !== ""; }).length;
    return chosen === 0 || chosen === selects.length;
  }

  // The questions changed and complete: taken out of `changed`, with the form data that saves them.
  function take() {
    var sent = new Set();
    var names = new Set();
    changed.forEach(function (fieldset) {
      if (!complete(fieldset)) return;
      sent.add(fieldset);
      fieldset.querySelectorAll("[name]").forEach(function (field) { names.add(field.name); });
    });
    sent.forEach(function (fieldset) { changed.delete(fieldset); });
    var data = new FormData();
    new FormData(form).forEach(function (value, name) {
      if (name === "csrf_token" || names.has(name)) data.append(name, value);
    });
    // Boxes all unticked post nothing of their own: an empty value says the answer is now blank.
    names.forEach(function (name) { if (!data.has(name)) data.append(name, ""); });
    return { questions: sent, data: data };
  }

  function schedule() {
    timer = setTimeout(save, Math.max(DEBOUNCE, lastSave + SAVE_EVERY - Date.now()));
  }

  function save() {
    timer = null;
    var batch = take();
    if (batch.questions.size === 0) return;
    inFlight = true;
    function ended() {
      inFlight = false;
      lastSave = Date.now();
    }
    fetch(url, { method: "POST", body: batch.data, credentials: "same-origin", headers: { "X-CSRFToken": batch.data.get("csrf_token") } })
      .then(function (response) {
        ended();
        if (!response.ok) throw new Error("not saved");
        if (changed.size === 0) say("saved");
        else if (!timer) schedule(); // answers given while it was on its way
      })
      .catch(function (error) {
        if (inFlight) ended(); // the network failed: `then` never ran
        batch.questions.forEach(function (fieldset) { changed.add(fieldset); }); // tried again with the next change
        say(error.message === "not saved" ? "refused" : "offline");
      });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset.question");
    if (!fieldset) return;
    changed.add(fieldset);
    say("unsaved");
    if (timer || inFlight) return; // a save is due or on its way: this answer goes with the next
    schedule();
  });

  // Leaving the page (a closed tab, another page, a phone locking) sends what is not saved yet.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "hidden" || changed.size === 0 || !navigator.sendBeacon) return;
    var batch = take();
    if (batch.questions.size && !navigator.sendBeacon(url, batch.data)) {
      batch.questions.forEach(function (fieldset) { changed.add(fieldset); });
    }
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

  // The form leaves with every answer: nothing is left for a save or a beacon to send.
  form.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return;
    clearTimeout(timer);
    timer = null;
    changed = new Set();
  });

  var deadline = document.getElementById("deadline");
  if (deadline) {
    var end = Date.parse(deadline.getAttribute("data-deadline"));
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      deadline.textContent = (deadline.getAttribute("data-left") || "%(min)s min %(s)s s")
        .replace("%(min)s", Math.floor(left / 60))
        .replace("%(s)s", String(left % 60).padStart(2, "0"));
      if (left > 0) setTimeout(tick, 1000);
    };
    tick();
  }
})();
