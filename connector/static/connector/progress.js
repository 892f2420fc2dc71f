// Synchronisation page: keeps the "runs in progress" panel up to date without reloading,
// by polling the small JSON endpoint named in the panel's data-url.
"use strict";
(function () {
  var BUSY_EVERY = 1000;  // ms between polls while a run is going on
  var IDLE_EVERY = 4000;  // ms between polls otherwise (runs started elsewhere show up)
  // Right after the page loads (a button was just pressed, or someone is watching) a run is
  // about to start: poll fast for a while, so its bar is seen from its first page on.
  var EAGER_FOR = 20000;

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
    // The bar says the run's state (overview.run_state): a failed run's bar is not green.
    bar.classList.add("connector-bar-" + (run.running ? "running" : run.state));
    bar.dataset.state = run.state;
    bar.appendChild(fill);
    cell.appendChild(bar);
    var words = run.total ? run.done + " / " + run.total : (run.running ? String(run.done) : "");
    if (run.now && run.running) words += " · " + run.now;
    if (!run.running && run.state !== "ok") words = (words ? words + " · " : "") + run.status_label;
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
    var badge = el("span", "connector-badge " + run.state_css, run.status_label);
    badge.dataset.state = run.state;
    status.appendChild(badge);
    var why = run.state === "attention" ? run.state_words : run.reason;
    if (why) status.appendChild(el("div", "connector-small connector-reason", why));
    tr.appendChild(status);
    tr.appendChild(progressCell(run));
    var counts = el("td", "connector-counts");
    function countItem(parent, pair, className) {
      var item = el("span", className);
      item.dataset.name = pair[0];
      item.appendChild(el("span", "connector-count-label", pair[0] + " "));
      item.appendChild(el("b", null, pair[1]));
      parent.appendChild(item);
    }
    // The run's totals, then the same per kind of record (orders, partners, products...).
    run.counts.forEach(function (pair) { countItem(counts, pair, "connector-count"); });
    (run.per_kind || []).forEach(function (kind) {
      var line = el("div", "connector-kind");
      line.dataset.kind = kind[0];
      line.appendChild(el("b", "connector-kind-label", kind[0] + ": "));
      kind[1].forEach(function (pair) { countItem(line, pair, "connector-kind-count"); });
      counts.appendChild(line);
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
    var loaded = Date.now();
    function every() {
      return busy || Date.now() - loaded < EAGER_FOR ? BUSY_EVERY : IDLE_EVERY;
    }

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
        .then(function () { setTimeout(poll, every()); });
    }
    setTimeout(poll, every());
  }

  document.addEventListener("DOMContentLoaded", start);
})();
