// Draws the neighbourhood with Cytoscape.js when it is installed; the tables stay as the fallback.
(function () {
  "use strict";
  var box = document.getElementById("graph");
  var dataNode = document.getElementById("graph-data");
  if (!box || !dataNode || typeof window.cytoscape !== "function") { return; }
  var data = JSON.parse(dataNode.textContent || "null");
  if (!data) { return; }
  function elements(graph) {
    var out = [];
    graph.nodes.forEach(function (n) {
      out.push({ group: "nodes", data: { id: n.id, label: n.caption, schema: n.schema },
                 classes: (n.designated ? "designated " : "") + (n.flagged ? "flagged" : "") });
    });
    graph.edges.forEach(function (e) {
      out.push({ group: "edges", data: { id: e.id + ":" + e.source + ":" + e.target, source: e.source,
                 target: e.target, label: e.label }, classes: e.flagged ? "flagged" : "" });
    });
    return out;
  }
  box.classList.add("ready");
  var cy = window.cytoscape({
    container: box,
    elements: elements(data),
    style: [
      { selector: "node", style: { "label": "data(label)", "font-size": 10, "background-color": "#0b4f8a",
        "text-wrap": "wrap", "text-max-width": 120 } },
      { selector: "node.designated", style: { "background-color": "#8a1c0b", "shape": "diamond" } },
      { selector: "node.flagged", style: { "border-width": 4, "border-color": "#c75c00" } },
      { selector: "node#" + CSS.escape(data.root), style: { "width": 40, "height": 40 } },
      { selector: "edge", style: { "label": "data(label)", "font-size": 8, "curve-style": "bezier",
        "target-arrow-shape": "triangle", "width": 1.5 } },
      { selector: "edge.flagged", style: { "line-color": "#c75c00", "target-arrow-color": "#c75c00", "width": 4 } }
    ],
    layout: { name: "cose", animate: false }
  });
  cy.on("tap", "node", function (evt) {
    var id = evt.target.id();
    fetch("/graph/" + encodeURIComponent(id) + "?depth=1").then(function (r) { return r.ok ? r.json() : null; })
      .then(function (more) {
        if (!more) { return; }
        var fresh = elements(more).filter(function (el) { return cy.getElementById(el.data.id).empty(); });
        cy.add(fresh);
        cy.layout({ name: "cose", animate: false }).run();
      });
  });
  cy.on("dbltap", "node", function (evt) { window.location = "/ui/entities/" + encodeURIComponent(evt.target.id()); });
  window.sanctionwatchGraph = cy;
})();
