// The maps of public-space reports (issue 15), on top of pages that work without JavaScript:
// the report form (place a pin by clicking, dragging, an address search or the device's
// location; a category suggested from the description), the check step and the follow page
// (pins to look at), and the public map (reports from the page's GeoJSON endpoint).
// Configuration comes from data- attributes (no inline script: the CSP forbids it). Without
// LOKET_MAP_TILES there is no tile layer: a plain background with the municipal boundaries.
(function () {
  "use strict";
  var el = document.getElementById("report-map");
  if (!el || !window.L) { return; }
  var L = window.L;

  function readJSON(id) {
    var node = id && document.getElementById(id);
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  el.hidden = false;
  document.querySelectorAll(".js-only").forEach(function (node) { node.hidden = false; });
  document.querySelectorAll(".no-js-hint").forEach(function (node) { node.hidden = true; });
  // The SVG layer without Leaflet's padding: it stays inside the map (axe-core otherwise
  // finds it "overlapping" the text above the map). The zoom-out sign an ASCII "-": a lone
  // U+2212 is a glyph whose contrast axe-core cannot judge.
  var map = L.map(el, {
    attributionControl: Boolean(el.dataset.attribution),
    zoomControl: false,
    renderer: L.svg({ padding: 0 })
  });
  L.control.zoom({
    zoomOutText: "-",
    zoomInTitle: el.dataset.zoomIn || "Zoom in",
    zoomOutTitle: el.dataset.zoomOut || "Zoom out"
  }).addTo(map);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 19 }).addTo(map);
  } else if (el.dataset.attribution) {
    map.attributionControl.addAttribution(el.dataset.attribution);
  }
  if (map.attributionControl) { map.attributionControl.setPrefix(false); }
  var areas = readJSON(el.dataset.areas);
  var bounds = null;
  if (areas && areas.features && areas.features.length) {
    var outline = L.geoJSON(areas, {
      interactive: false,
      style: { color: "#0b4f82", weight: 2, fill: false, dashArray: "6 4" }
    }).addTo(map);
    bounds = outline.getBounds();
  }
  if (bounds && bounds.isValid()) { map.fitBounds(bounds); } else { map.setView([52.1, 5.1], 13); }

  function pinIcon(own) {
    return L.divIcon({
      className: own ? "report-pin report-pin--own" : "report-pin",
      iconSize: [22, 22],
      iconAnchor: [11, 11]
    });
  }

  // --- Pins to look at: the check step and the follow page -------------------------------
  var pins = readJSON(el.dataset.pins);
  if (pins && pins.length) {
    var group = L.featureGroup();
    pins.forEach(function (pin) {
      var marker = L.marker([pin.lat, pin.lon], {
        icon: pinIcon(pin.own),
        keyboard: false,
        title: pin.own ? el.dataset.ownLabel : pin.label,
        alt: pin.own ? el.dataset.ownLabel : pin.label
      });
      group.addLayer(marker);
    });
    group.addTo(map);
    if (pins.length === 1) { map.setView([pins[0].lat, pins[0].lon], 17); } else { map.fitBounds(group.getBounds().pad(0.5), { maxZoom: 18 }); }
  }

  // --- The public map --------------------------------------------------------------------
  if (el.dataset.map === "public" && el.dataset.source && window.fetch) {
    fetch(el.dataset.source, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        // Open reports drawn last, on top of those dealt with at the same rounded place.
        data.features.sort(function (a, b) { return (a.properties.open ? 1 : 0) - (b.properties.open ? 1 : 0); });
        L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, {
              radius: 8,
              color: "#ffffff",
              weight: 2,
              fillColor: feature.properties.open ? "#a8001c" : "#1d6b35",
              fillOpacity: 0.9
            });
          },
          onEachFeature: function (feature, layer) {
            var p = feature.properties;
            var box = document.createElement("div");
            [p.category, p.status, p.reported_on].forEach(function (text) {
              var line = document.createElement("div");
              line.textContent = text;
              box.appendChild(line);
            });
            layer.bindPopup(box);
          }
        }).addTo(map);
      })
      .catch(function () { /* the table below the map lists them all */ });
  }

  if (el.dataset.map !== "pick") { return; }

  // --- Placing the pin on the report form ------------------------------------------------
  var latitude = document.getElementById("id_latitude");
  var longitude = document.getElementById("id_longitude");
  var address = document.getElementById("id_adres");
  var picked = document.getElementById("report-picked");
  var matches = document.getElementById("report-matches");
  var marker = null;

  function place(latlng, label, pan) {
    latitude.value = latlng.lat.toFixed(7);
    longitude.value = latlng.lng.toFixed(7);
    if (!marker) {
      marker = L.marker(latlng, { icon: pinIcon(true), draggable: true, title: el.dataset.pinLabel, alt: el.dataset.pinLabel }).addTo(map);
      marker.on("dragend", function () { place(marker.getLatLng(), "", false); });
    } else {
      marker.setLatLng(latlng);
    }
    if (label) { address.value = label; }
    picked.textContent = (label ? label + " — " : "") + latlng.lat.toFixed(5) + ", " + latlng.lng.toFixed(5);
    if (pan) { map.setView(latlng, Math.max(map.getZoom(), 17)); }
  }

  if (latitude.value && longitude.value) {
    var start = L.latLng(parseFloat(latitude.value), parseFloat(longitude.value));
    if (!isNaN(start.lat) && !isNaN(start.lng)) { place(start, "", true); }
  }
  map.on("click", function (event) { place(event.latlng, "", false); });
  // Without a mouse: the arrow keys move the map (Leaflet), Enter or Space puts the pin in
  // the middle, where the cross is while the map has focus.
  el.addEventListener("keydown", function (event) {
    if (event.target !== el || (event.key !== "Enter" && event.key !== " ")) { return; }
    event.preventDefault();
    place(map.getCenter(), "", false);
  });
  address.addEventListener("input", function () {
    // A typed address replaces the pin only when it is looked up again.
    if (!marker) { latitude.value = ""; longitude.value = ""; }
  });

  function search() {
    var query = address.value.trim();
    matches.textContent = "";
    if (query.length < 2) { return; }
    fetch(el.dataset.addressUrl + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (found) {
        matches.textContent = "";
        if (!found.length) {
          var none = document.createElement("li");
          none.textContent = matches.dataset.noResults;
          matches.appendChild(none);
          return;
        }
        if (found.length === 1) { place(L.latLng(found[0].lat, found[0].lon), found[0].label, true); return; }
        found.forEach(function (item) {
          var li = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.className = "link-button";
          button.textContent = item.label;
          button.addEventListener("click", function () {
            place(L.latLng(item.lat, item.lon), item.label, true);
            matches.textContent = "";
          });
          li.appendChild(button);
          matches.appendChild(li);
        });
      })
      .catch(function () { /* the server looks the address up when the form is sent */ });
  }
  document.querySelector("[data-action=address-search]").addEventListener("click", search);
  address.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); search(); }
  });

  var locate = document.querySelector("[data-action=locate]");
  if (!navigator.geolocation) {
    locate.parentNode.hidden = true;
  } else {
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(
        function (position) { place(L.latLng(position.coords.latitude, position.coords.longitude), "", true); },
        function () { picked.textContent = locate.dataset.error; },
        { enableHighAccuracy: true, timeout: 10000 }
      );
    });
  }

  // --- The category: its own questions, and a suggestion from the description -------------
  var category = document.getElementById("id_category");
  var description = document.getElementById("id_description");
  var suggestion = document.getElementById("report-suggestion");
  function showQuestions() {
    document.querySelectorAll(".report-questions").forEach(function (group) {
      group.hidden = group.dataset.category !== category.value;
    });
  }
  category.addEventListener("change", showQuestions);
  showQuestions();

  var timer = null;
  var last = "";
  function suggest() {
    var text = description.value.trim();
    if (text.length < 3 || text === last) { return; }
    last = text;
    fetch(suggestion.dataset.url + "?tekst=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (found) {
        suggestion.textContent = "";
        if (!found.code || found.code === category.value) { return; }
        var words = document.createElement("span");
        words.textContent = suggestion.dataset.text + " " + found.name + " ";
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button";
        button.dataset.code = found.code;
        button.textContent = suggestion.dataset.button;
        button.addEventListener("click", function () {
          category.value = found.code;
          showQuestions();
          suggestion.textContent = suggestion.dataset.chosen + " " + found.name;
        });
        suggestion.appendChild(words);
        suggestion.appendChild(button);
      })
      .catch(function () { /* the server suggests one on the check step */ });
  }
  description.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(suggest, 400);
  });
  if (description.value) { suggest(); }
})();
