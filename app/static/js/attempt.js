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
