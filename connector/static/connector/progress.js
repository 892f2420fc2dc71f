// Synchronisation page: keeps the "runs in progress" panel up to date without reloading,
// by polling the small JSON endpoint named in the panel's data-url.
"use strict";
(function () {
  var BUSY_EVERY = 1000;  // ms between polls while a run is going on
  var IDLE_EVERY = 4000;  // ms between polls otherwise (runs started elsewhere show up)

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function progressCell(run) {
    var cell = el("td", "connector-progress-cell");
    var bar = el("div", "connector-bar");
    var fill = el("div", "connector-bar-fill");
    var percent = run.percent;
    if (percent === null) percent = run.running ? 0 : 100;
    fill.style.width = percent + "%";
    bar.setAttribute("role", "progressbar");
    bar.setAttribute("aria-valuemin", "0");
    bar.setAttribute("aria-valuemax", String(run.total || 0));
    bar.setAttribute("aria-valuenow", String(run.done));
    if (run.running) bar.classList.add("connector-bar-running");
    bar.appendChild(fill);
    cell.appendChild(bar);
    var words = run.total ? run.done + " / " + run.total : (run.running ? String(run.done) : "");
    if (run.now && run.running) words += " · " + run.now;
    cell.appendChild(el("span", "connector-progress-text", words));
    return cell;
  }

  function row(run) {
    var tr = el("tr", "connector-live-row");
    tr.id = "connector-run-" + run.id;
    tr.dataset.status = run.status;
    var first = el("td");
    var link = el("a", null, "#" + run.id + " " + run.kind);
    link.href = run.url;
    first.appendChild(link);
    first.appendChild(el("div", "connector-small", run.trigger + " · " + run.started));
    tr.appendChild(first);
    var status = el("td");
    status.appendChild(el("span", "connector-badge " + run.status.replace("_", "-"), run.status_label));
    if (run.reason) status.appendChild(el("div", "connector-small connector-reason", run.reason));
    tr.appendChild(status);
    tr.appendChild(progressCell(run));
    var counts = el("td", "connector-counts");
    run.counts.forEach(function (pair) {
      var item = el("span", "connector-count");
      item.dataset.name = pair[0];
      item.appendChild(el("span", "connector-count-label", pair[0] + " "));
      item.appendChild(el("b", null, pair[1]));
      counts.appendChild(item);
    });
    var logs = el("a", "connector-small", "›");
    logs.href = run.logs_url;
    counts.appendChild(logs);
    tr.appendChild(counts);
    return tr;
  }

  function render(runs) {
    var body = document.getElementById("connector-live-rows");
    var empty = document.getElementById("connector-live-empty");
    if (!body) return;
    body.replaceChildren.apply(body, runs.map(row));
    if (empty) empty.hidden = runs.length > 0;
  }

  function start() {
    var panel = document.getElementById("connector-live");
    var initial = document.getElementById("connector-live-data");
    if (!panel) return;
    var runs = initial ? JSON.parse(initial.textContent) : [];
    render(runs);
    var url = panel.dataset.url;
    var busy = runs.some(function (r) { return r.running; });

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data) {
            render(data.runs);
            busy = data.runs.some(function (r) { return r.running; });
          }
        })
        .catch(function () { /* the next poll tries again */ })
        .then(function () { setTimeout(poll, busy ? BUSY_EVERY : IDLE_EVERY); });
    }
    setTimeout(poll, busy ? BUSY_EVERY : IDLE_EVERY);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
