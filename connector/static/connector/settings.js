// Settings page: show only the schedule field the chosen schedule needs.
"use strict";
(function () {
  function update(select) {
    var minutes = document.querySelector(".form-row.field-schedule_minutes");
    var time = document.querySelector(".form-row.field-schedule_time");
    if (minutes) minutes.hidden = select.value !== "interval";
    if (time) time.hidden = select.value !== "daily";
  }
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.getElementById("id_schedule");
    if (!select) return;
    update(select);
    select.addEventListener("change", function () { update(select); });
  });
})();
