// The course editor without reloads: a live Markdown preview, and drag-to-reorder lessons.
// Everything here is an improvement only: each page works with plain forms when scripts are off.
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  // Live preview: the server renders and sanitises the text, exactly as the import will.
  var preview = document.getElementById("lesson-preview");
  var body = document.getElementById("body");
  if (preview && body && preview.dataset.previewUrl) {
    var timer = null;
    var sent = 0;
    var schedule = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var ticket = ++sent;
        var data = new FormData();
        data.append("body", body.value);
        fetch(preview.dataset.previewUrl, {
          method: "POST",
          body: data,
          headers: { "X-CSRFToken": csrfToken() },
          credentials: "same-origin",
        })
          .then(function (response) {
            return response.ok ? response.text() : null;
          })
          .then(function (html) {
            if (html !== null && ticket === sent) {
              preview.innerHTML = html; // sanitised by the server's allow-list
            }
          });
      }, 400);
    };
    body.addEventListener("input", schedule);
    // Text typed (or restored by the browser) before this script ran has had no preview yet.
    if (body.value !== body.defaultValue) {
      schedule();
    }
  }

  // Publishing: typing a new version label means "change it", so the choice follows the typing.
  var newLabel = document.getElementById("label");
  var change = document.getElementById("relabel-change");
  if (newLabel && change) {
    newLabel.addEventListener("input", function () {
      change.checked = true;
    });
  }

  // Drag to reorder: drop a lesson anywhere in any module, then the whole order is posted.
  var outline = document.getElementById("outline");
  if (!outline) {
    return;
  }
  var dragged = null;
  outline.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("li[data-lesson]");
    if (dragged) {
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.dataset.lesson);
    }
  });
  outline.addEventListener("dragover", function (event) {
    if (dragged && event.target.closest(".module")) {
      event.preventDefault();
    }
  });
  outline.addEventListener("drop", function (event) {
    var module = event.target.closest(".module");
    if (!dragged || !module) {
      return;
    }
    event.preventDefault();
    var list = module.querySelector("ol");
    var before = event.target.closest("li[data-lesson]");
    if (before && before !== dragged) {
      list.insertBefore(dragged, before);
    } else if (!before) {
      list.appendChild(dragged);
    }
    dragged = null;
    saveOrder();
  });

  function saveOrder() {
    var form = document.createElement("form");
    form.method = "post";
    form.action = outline.dataset.orderUrl;
    function hidden(name, value) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.appendChild(input);
    }
    hidden("csrf_token", csrfToken());
    hidden("revision", outline.dataset.revision);
    outline.querySelectorAll(".module").forEach(function (module) {
      var lessons = Array.prototype.map.call(module.querySelectorAll("li[data-lesson]"), function (li) {
        return li.dataset.lesson;
      });
      hidden("module", module.dataset.module + ":" + lessons.join(","));
    });
    document.body.appendChild(form);
    form.submit();
  }
})();
