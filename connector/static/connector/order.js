// One order's page: after "send again", polls until the re-send run has ended, then reloads
// so the page shows the order's new state and the attempt's result.
"use strict";
(function () {
  var EVERY = 1000;
  var GIVE_UP = 120;  // polls

  function start() {
    var box = document.getElementById("connector-resend-result");
    if (!box || box.dataset.done === "1") return;
    var tries = 0;
    function poll() {
      tries += 1;
      fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (data && data.done) { window.location.reload(); return; }
          if (tries >= GIVE_UP) { box.textContent = box.dataset.gaveUp; return; }
          setTimeout(poll, EVERY);
        })
        .catch(function () { setTimeout(poll, EVERY); });
    }
    setTimeout(poll, EVERY);
  }
  document.addEventListener("DOMContentLoaded", start);
})();
