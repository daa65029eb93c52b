// Live updates for the shipment page. The server pushes an event (server-sent events) as soon
// as a new block changes the shipment; the page then fetches its body again and replaces
// only the sections that changed. Keyboard focus, open <details>, scroll positions and the
// map's zoom survive the swap. Without EventSource it falls back to polling. No framework.
(function () {
  "use strict";
  var body = document.getElementById("shipment-body");
  var status = document.getElementById("live-status");
  if (!body || !window.fetch) return;
  var version = body.getAttribute("data-version");
  var pollSeconds = parseFloat(body.getAttribute("data-poll-seconds")) || 10;
  var busy = false, again = false;

  function say(text) { if (status) status.textContent = text; }
  function stamp() {
    // One convention with the rest of the page: UTC, labelled.
    return new Date().toISOString().slice(11, 19) + " UTC";
  }
  function closed() { return body.getAttribute("data-final") === "true"; }

  // -- keeping the reader's place ---------------------------------------------------------
  function keyOf(el) {
    if (!el || el === document.body || !body.contains(el)) return null;
    if (el.id) return "#" + el.id;
    var path = [];
    while (el && el !== body) {
      if (el.id) { path.unshift("#" + el.id); break; }
      var i = 1, sib = el;
      while ((sib = sib.previousElementSibling)) { if (sib.tagName === el.tagName) i++; }
      path.unshift(el.tagName.toLowerCase() + ":nth-of-type(" + i + ")");
      el = el.parentElement;
    }
    return path.join(" > ");
  }
  function remember() {
    var open = [], scroll = {};
    body.querySelectorAll("details[id]").forEach(function (d) { if (d.open) open.push(d.id); });
    body.querySelectorAll("[id]").forEach(function (el) {
      if (el.scrollTop || el.scrollLeft) scroll[el.id] = [el.scrollLeft, el.scrollTop];
    });
    return { focus: keyOf(document.activeElement), open: open, scroll: scroll, y: window.scrollY };
  }
  function restore(place) {
    place.open.forEach(function (id) { var d = document.getElementById(id); if (d) d.open = true; });
    Object.keys(place.scroll).forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { el.scrollLeft = place.scroll[id][0]; el.scrollTop = place.scroll[id][1]; }
    });
    if (place.focus && (!document.activeElement || document.activeElement === document.body)) {
      var target = null;
      try { target = body.querySelector(place.focus) || document.querySelector(place.focus); } catch (e) { target = null; }
      if (target) target.focus({ preventScroll: true });
    }
    if (Math.abs(window.scrollY - place.y) > 2) window.scrollTo(window.scrollX, place.y);
  }

  function swap(html) {
    var place = remember();
    var fresh = document.createElement("div");
    fresh.innerHTML = html;
    var grid = body.querySelector(".grid"), next = fresh.querySelector(".grid");
    if (!grid || !next) { body.innerHTML = html; restore(place); return; }
    // Replace section by section, only where something changed: focus inside an unchanged
    // section is never touched.
    next.querySelectorAll("section[id]").forEach(function (section) {
      var old = document.getElementById(section.id);
      if (!old) return;
      if (old.outerHTML === section.outerHTML) return;
      old.replaceWith(section);
    });
    ["data-version", "data-state", "data-milestones", "data-chain-now"].forEach(function (a) { grid.setAttribute(a, next.getAttribute(a)); });
    restore(place);
    if (window.TradelaneMap) window.TradelaneMap.attach(document.getElementById("map-view"));
    if (window.TradelaneWallet) window.TradelaneWallet.attach(body);
    document.dispatchEvent(new CustomEvent("tradelane:updated"));
  }

  function refresh(live) {
    if (busy) { again = true; return Promise.resolve(); }
    busy = true;
    var before = parseInt(body.querySelector("[data-milestones]").getAttribute("data-milestones"), 10) || 0;
    return fetch(body.getAttribute("data-body-url"), { headers: { "Accept": "text/html" }, cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.text(); })
      .then(function (html) {
        swap(html);
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
      })
      .catch(function (err) { say("Could not load the update (" + err.message + "); retrying."); })
      .then(function () { busy = false; if (again) { again = false; poll(); } });
  }

  function onLive(live) {
    if (live.version !== version) return refresh(live);
  }

  // -- countdowns: the chain's clock moves on between blocks ------------------------------
  var loaded = Date.now();
  function span(seconds) {
    var units = [["day", 86400], ["hour", 3600], ["minute", 60]];
    for (var i = 0; i < units.length; i++) {
      if (seconds >= units[i][1]) {
        var n = Math.round(seconds / units[i][1]);
        return n + " " + units[i][0] + (n !== 1 ? "s" : "");
      }
    }
    return "moments";
  }
  function tick() {
    var grid = body.querySelector(".grid");
    var base = grid && parseInt(grid.getAttribute("data-chain-now"), 10);
    if (!base) return;
    var now = base + (Date.now() - loaded) / 1000;
    body.querySelectorAll(".countdown[data-at]").forEach(function (el) {
      var d = parseInt(el.getAttribute("data-at"), 10) - now;
      var text = Math.abs(d) < 60 ? "just now" : (d > 0 ? "in " + span(d) : span(-d) + " ago");
      if (el.textContent !== text) el.textContent = text;
    });
  }
  document.addEventListener("tradelane:updated", function () { loaded = Date.now(); tick(); });
  window.setInterval(tick, 30000);

  // -- polling fallback ---------------------------------------------------------------------
  var timer = null;
  function poll() {
    return fetch(body.getAttribute("data-live-url"), { headers: { "Accept": "application/json" }, cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(onLive)
      .catch(function (err) { say("Could not check for updates (" + err.message + "); retrying."); });
  }
  function schedule() {
    if (closed()) return;
    timer = window.setTimeout(function () { poll().then(schedule); }, pollSeconds * 1000);
  }

  // -- server-sent events ---------------------------------------------------------------------
  if (closed()) return;
  if (!window.EventSource) { schedule(); return; }
  var source = new EventSource(body.getAttribute("data-events-url") + "?version=" + encodeURIComponent(version));
  var lost = false;
  source.addEventListener("update", function (e) { onLive(JSON.parse(e.data)); });
  source.addEventListener("closed", function () { source.close(); });
  source.onopen = function () { if (lost) { say("Connection restored at " + stamp() + "."); lost = false; poll(); } };
  source.onerror = function () {
    if (closed()) { source.close(); return; }
    lost = true;
    say("Lost the connection to the server; reconnecting.");
  };
  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
  window.addEventListener("pagehide", function () { source.close(); if (timer) window.clearTimeout(timer); });
})();
