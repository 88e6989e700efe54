/* The staff maps of public-space reports (issue 15): the reports page's map of the reports that
   match the filters, and the small map on a report's case page with its pin and the open
   reports nearby. Progressive enhancement: without JavaScript (or without Leaflet) the maps stay
   hidden and the page's list and coordinates say the same.

   Configuration comes from data attributes (the CSP forbids inline script):
     data-source  URL of the JSON pins (the reports page), same filters as the list
     data-pins    JSON list of {latitude, longitude, reference, main} (the case page)
     data-tiles   tile URL template (LOKET_MAP_TILES); empty: a plain background
     data-attribution, data-label, data-bounds ("south,west,north,east"),
     data-areas   JSON list of the GeoJSON boundaries of the municipalities shown
   Texts put into the map are set as text, never as HTML. */
(function () {
  "use strict";

  var PRIMARY = "#0b4f82";
  var MAIN = "#a8001c";
  var MUTED = "#4d4d4d";

  function start(element) {
    var panel = element.closest("[data-report-map-panel]");
    if (panel) panel.hidden = false;
    element.hidden = false;
    var attribution = element.dataset.attribution || "";
    var map = window.L.map(element, {
      scrollWheelZoom: false,
      zoomControl: false,
      // No drawing beyond the map's edge: Leaflet's default margin reaches over the heading
      // above, which checkers then read as covered text.
      renderer: window.L.svg({ padding: 0 }),
      attributionControl: Boolean(attribution),
    });
    window.L.control
      .zoom({
        zoomInText: '<span class="staff-map__zoom" aria-hidden="true"></span>',
        zoomOutText: '<span class="staff-map__zoom staff-map__zoom--out" aria-hidden="true"></span>',
      })
      .addTo(map);
    if (map.attributionControl) map.attributionControl.setPrefix(false);
    if (element.dataset.tiles) {
      window.L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: attribution }).addTo(map);
    }
    window.L.control.scale({ imperial: false }).addTo(map);
    element.setAttribute("role", "region");
    if (element.dataset.label) element.setAttribute("aria-label", element.dataset.label);
    return map;
  }

  function popup(pin, openLabel, closedLabel) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = pin.url;
    link.textContent = pin.reference;
    var what = document.createElement("div");
    what.textContent = pin.category;
    var state = document.createElement("div");
    state.textContent = pin.status + " (" + (pin.open ? openLabel : closedLabel) + ")";
    box.appendChild(link);
    box.appendChild(what);
    box.appendChild(state);
    return box;
  }

  function bounds(text) {
    var parts = (text || "").split(",").map(Number);
    if (parts.length !== 4 || parts.some(isNaN)) return null;
    return window.L.latLngBounds([parts[0], parts[1]], [parts[2], parts[3]]);
  }

  function reportsMap(element) {
    var map = start(element);
    var outlines = [];
    try {
      outlines = JSON.parse(element.dataset.areas || "[]");
    } catch (error) {
      outlines = [];
    }
    outlines.forEach(function (shape) {
      // The municipality's boundary: where its streets are, also on a plain background.
      window.L.geoJSON(shape, {
        interactive: false,
        style: { color: MUTED, weight: 2, dashArray: "6 4", fill: false },
      }).addTo(map);
    });
    var area = bounds(element.dataset.bounds);
    if (area) map.fitBounds(area);
    else map.setView([52.1, 5.3], 8); // the Netherlands, until the pins arrive
    var counter = element.parentNode.querySelector("[data-map-count]");
    fetch(element.dataset.source, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        var points = [];
        data.reports.forEach(function (pin) {
          var marker = window.L.circleMarker([pin.latitude, pin.longitude], {
            radius: 7,
            color: "#ffffff",
            weight: 2,
            fillColor: pin.open ? PRIMARY : MUTED,
            fillOpacity: 0.9,
          });
          marker.bindPopup(
            popup(pin, element.dataset.openLabel || "", element.dataset.closedLabel || ""),
          );
          marker.addTo(map);
          points.push([pin.latitude, pin.longitude]);
        });
        if (points.length) map.fitBounds(points, { padding: [24, 24], maxZoom: 17 });
        if (counter && element.dataset.countText) {
          counter.textContent = element.dataset.countText
            .replace("{shown}", String(data.shown))
            .replace("{count}", String(data.count));
        }
      })
      .catch(function () {
        if (counter) counter.textContent = element.dataset.failedText || "";
      });
  }

  function placeMap(element) {
    var pins;
    try {
      pins = JSON.parse(element.dataset.pins || "[]");
    } catch (error) {
      return;
    }
    if (!pins.length) return;
    var map = start(element);
    var points = [];
    pins.forEach(function (pin) {
      var marker = window.L.circleMarker([pin.latitude, pin.longitude], {
        radius: pin.main ? 9 : 6,
        color: "#ffffff",
        weight: 2,
        fillColor: pin.main ? MAIN : PRIMARY,
        fillOpacity: 0.95,
      });
      marker.bindTooltip(pin.reference);
      marker.addTo(map);
      points.push([pin.latitude, pin.longitude]);
    });
    if (points.length > 1) map.fitBounds(points, { padding: [30, 30], maxZoom: 18 });
    else map.setView(points[0], 18);
  }

  function init() {
    if (!window.L) return;
    document.querySelectorAll("[data-report-map]").forEach(function (element) {
      if (element.dataset.source) reportsMap(element);
      else placeMap(element);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
