// Zoom and pan for the route map: drag or arrow keys to move, wheel, pinch or +/− to zoom.
// The map is an inline SVG; moving it changes its viewBox, so lines stay sharp. Without
// JavaScript the map is a still picture. The view survives live updates (live.js calls
// TradelaneMap.attach again after swapping the section in).
(function () {
  "use strict";
  var saved = null; // the viewBox the reader chose, kept across live updates

  function box(svg) { var v = svg.viewBox.baseVal; return [v.x, v.y, v.width, v.height]; }
  function set(svg, b) { svg.setAttribute("viewBox", b.map(function (n) { return n.toFixed(1); }).join(" ")); saved = b; }

  function attach(view) {
    var svg = view && view.querySelector("svg.route-map");
    if (!svg || view.getAttribute("data-zoom") === "on") return;
    view.setAttribute("data-zoom", "on");
    view.classList.add("zoomable");
    var full = box(svg);
    if (saved && saved[2] <= full[2]) set(svg, saved);

    function zoom(factor, cx, cy) {
      var b = box(svg);
      var w = Math.min(full[2], Math.max(full[2] / 16, b[2] * factor));
      var h = w * full[3] / full[2];
      cx = cx === undefined ? b[0] + b[2] / 2 : cx;
      cy = cy === undefined ? b[1] + b[3] / 2 : cy;
      var x = cx - (cx - b[0]) * (w / b[2]);
      var y = cy - (cy - b[1]) * (h / b[3]);
      set(svg, clamp([x, y, w, h]));
    }
    function clamp(b) {
      b[0] = Math.min(Math.max(b[0], full[0]), full[0] + full[2] - b[2]);
      b[1] = Math.min(Math.max(b[1], full[1]), full[1] + full[3] - b[3]);
      return b;
    }
    function pan(dx, dy) { var b = box(svg); set(svg, clamp([b[0] + dx, b[1] + dy, b[2], b[3]])); }
    function toMap(clientX, clientY) {
      var r = svg.getBoundingClientRect(), b = box(svg);
      return [b[0] + (clientX - r.left) / r.width * b[2], b[1] + (clientY - r.top) / r.height * b[3]];
    }

    var tools = document.createElement("div");
    tools.className = "map-tools";
    [["+", "Zoom in", function () { zoom(0.6); }],
     ["−", "Zoom out", function () { zoom(1 / 0.6); }],
     ["⟲", "Show the whole route", function () { set(svg, full.slice()); }]].forEach(function (t) {
      var b = document.createElement("button");
      b.type = "button"; b.textContent = t[0]; b.setAttribute("aria-label", t[1]); b.title = t[1];
      b.addEventListener("click", t[2]);
      tools.appendChild(b);
    });
    view.appendChild(tools);

    view.addEventListener("wheel", function (e) {
      e.preventDefault();
      var p = toMap(e.clientX, e.clientY);
      zoom(e.deltaY < 0 ? 0.8 : 1.25, p[0], p[1]);
    }, { passive: false });
    view.addEventListener("keydown", function (e) {
      var b = box(svg), step = b[2] / 8;
      var keys = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      if (keys[e.key]) { pan(keys[e.key][0], keys[e.key][1]); e.preventDefault(); }
      else if (e.key === "+" || e.key === "=") { zoom(0.6); e.preventDefault(); }
      else if (e.key === "-") { zoom(1 / 0.6); e.preventDefault(); }
    });

    var pointers = {}, last = null;
    function spread() {
      var ids = Object.keys(pointers);
      if (ids.length < 2) return null;
      var a = pointers[ids[0]], b = pointers[ids[1]];
      return { d: Math.hypot(a[0] - b[0], a[1] - b[1]), x: (a[0] + b[0]) / 2, y: (a[1] + b[1]) / 2 };
    }
    svg.addEventListener("pointerdown", function (e) {
      pointers[e.pointerId] = [e.clientX, e.clientY];
      last = spread();
      svg.setPointerCapture(e.pointerId);
    });
    svg.addEventListener("pointermove", function (e) {
      if (!pointers[e.pointerId]) return;
      var before = pointers[e.pointerId];
      pointers[e.pointerId] = [e.clientX, e.clientY];
      var now = spread();
      if (now && last && last.d > 0) {
        var p = toMap(now.x, now.y);
        zoom(last.d / now.d, p[0], p[1]);
        last = now;
      } else if (!now) {
        var r = svg.getBoundingClientRect(), b = box(svg);
        pan(-(e.clientX - before[0]) / r.width * b[2], -(e.clientY - before[1]) / r.height * b[3]);
      }
    });
    function up(e) { delete pointers[e.pointerId]; last = spread(); }
    svg.addEventListener("pointerup", up);
    svg.addEventListener("pointercancel", up);
  }

  window.TradelaneMap = { attach: attach };
  attach(document.getElementById("map-view"));
})();
