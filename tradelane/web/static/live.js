// Live updates for the shipment page: poll a small JSON endpoint; when its version
// changes, fetch the page body again and swap it in. No framework, no dependencies.
(function () {
  "use strict";
  var body = document.getElementById("shipment-body");
  var status = document.getElementById("live-status");
  if (!body || !window.fetch) return;
  var seconds = parseFloat(body.getAttribute("data-poll-seconds")) || 10;
  var version = body.getAttribute("data-version");
  var failures = 0;
  var timer = null;

  function say(text) { if (status) status.textContent = text; }
  function stamp() { return new Date().toLocaleTimeString(); }

  function schedule() {
    if (body.getAttribute("data-final") === "true") return;
    var wait = seconds * 1000 * Math.min(1 + failures, 6);
    timer = window.setTimeout(poll, document.hidden ? Math.max(wait, 30000) : wait);
  }

  function refresh(live) {
    return fetch(body.getAttribute("data-body-url"), { headers: { "Accept": "text/html" } })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.text(); })
      .then(function (html) {
        var before = parseInt((body.querySelector("[data-milestones]") || body).getAttribute("data-milestones"), 10) || 0;
        body.innerHTML = html;
        version = live.version;
        body.setAttribute("data-version", version);
        var added = live.milestones - before;
        var headline = body.querySelector("#state-h");
        say("Updated at " + stamp() + ": " + (added > 0 ? added + " new milestone" + (added > 1 ? "s" : "") + ". " : "") +
            (headline ? "Status: " + headline.textContent.trim() + "." : ""));
        if (live.final) {
          body.setAttribute("data-final", "true");
          say("Updated at " + stamp() + ". This shipment is closed; nothing more will change.");
        }
      });
  }

  function poll() {
    fetch(body.getAttribute("data-live-url"), { headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (r) {
        if (!r.ok) {
          return r.json().catch(function () { return {}; }).then(function (e) {
            throw new Error(e.detail || ("HTTP " + r.status));
          });
        }
        return r.json();
      })
      .then(function (live) {
        if (failures) say("Connection restored at " + stamp() + ".");
        failures = 0;
        if (live.version !== version) return refresh(live);
      })
      .catch(function (err) {
        failures += 1;
        say("Could not check for updates (" + err.message + "); retrying.");
      })
      .then(schedule);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && timer !== null) { window.clearTimeout(timer); poll(); }
  });
  schedule();
})();
