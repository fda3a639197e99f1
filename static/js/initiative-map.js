/* Initiative maps, wired from data attributes (the CSP allows no inline handlers):
 *   [data-map="picker"]  the form's point picker: click to mark, fills lat/lon and the district
 *   [data-map="point"]   one initiative's place
 *   [data-map="many"]    initiatives with a place, from the GeoJSON at data-points-url
 * Everything works without this script: the form has lat/lon fields and a district select,
 * and the map page has the same initiatives as a list.
 */
(function () {
  "use strict";
  if (!window.L) { return; }
  var ESPOO = [60.2055, 24.6559];

  function baseMap(el, center, zoom) {
    el.hidden = false;
    var map = L.map(el, { scrollWheelZoom: false }).setView(center, zoom);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 18 }).addTo(map);
    }
    return map;
  }

  function number(value) {
    var parsed = parseFloat(String(value || "").replace(",", ".").replace("\u2212", "-"));
    return isFinite(parsed) ? parsed : null;
  }

  function picker(el) {
    var form = el.closest("form");
    var lat = form.querySelector("#lat");
    var lon = form.querySelector("#lon");
    var district = form.querySelector("#district");
    var status = document.getElementById("point-status");
    var clear = document.getElementById("point-clear");
    var help = document.getElementById("point-help");
    var map = baseMap(el, ESPOO, 10);
    var marker = null;
    if (help) { help.hidden = false; }

    function say(text) { if (status) { status.textContent = text || ""; } }

    function lookup(latlng) {
      var url = el.dataset.districtUrl + "?lat=" + encodeURIComponent(latlng.lat.toFixed(6)) +
        "&lon=" + encodeURIComponent(latlng.lng.toFixed(6));
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.district) {
            district.value = data.district;
            say(el.dataset.foundText.replace("{district}", data.name));
          } else {
            say(data.message || "");
          }
        })
        .catch(function () { /* the server checks the point again when the form is sent */ });
    }

    function place(latlng, fromClick) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.marker(latlng, { alt: el.dataset.markerLabel || "", keyboard: false }).addTo(map);
      }
      if (clear) { clear.hidden = false; }
      if (fromClick) {
        lat.value = latlng.lat.toFixed(6);
        lon.value = latlng.lng.toFixed(6);
        lookup(latlng);
      }
    }

    function fromFields() {
      var a = number(lat.value);
      var b = number(lon.value);
      if (a !== null && b !== null) {
        place(L.latLng(a, b), false);
        return true;
      }
      return false;
    }

    if (fromFields()) { map.setView(marker.getLatLng(), 14); }
    map.on("click", function (event) { place(event.latlng, true); });
    lat.addEventListener("change", fromFields);
    lon.addEventListener("change", fromFields);
    if (clear) {
      clear.addEventListener("click", function () {
        if (marker) { map.removeLayer(marker); marker = null; }
        lat.value = "";
        lon.value = "";
        clear.hidden = true;
        say("");
        lat.focus();
      });
    }
  }

  function point(el) {
    var latlng = [number(el.dataset.lat), number(el.dataset.lon)];
    var map = baseMap(el, latlng, 14);
    L.marker(latlng, { alt: el.dataset.markerLabel || "", keyboard: false }).addTo(map);
  }

  function many(el) {
    // Points come from map.geojson (newest first, at most a few hundred per answer). When
    // the answer says more matched, the map asks again for what is in view after each move.
    var map = baseMap(el, ESPOO, 10);
    var layer = L.layerGroup().addTo(map);
    var first = true;
    var truncated = false;

    function show(collection) {
      layer.clearLayers();
      var bounds = [];
      collection.features.forEach(function (f) {
        var p = f.properties;
        var latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        var link = document.createElement("a");
        link.href = p.url;
        link.textContent = p.title;
        link.lang = p.lang;
        var popup = document.createElement("div");
        popup.appendChild(link);
        var state = document.createElement("p");
        state.textContent = p.status;
        popup.appendChild(state);
        L.marker(latlng, { alt: p.title, title: p.title, keyboard: false }).bindPopup(popup).addTo(layer);
        bounds.push(latlng);
      });
      if (first) {
        first = false;
        if (bounds.length > 1) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14 }); }
        else if (bounds.length === 1) { map.setView(bounds[0], 14); }
      }
    }

    function load(bbox) {
      var url = el.dataset.pointsUrl;
      if (bbox) { url += (url.indexOf("?") < 0 ? "?" : "&") + "bbox=" + encodeURIComponent(bbox); }
      fetch(url, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (collection) {
          if (!bbox) { truncated = collection.truncated; }
          show(collection);
        })
        .catch(function () { /* the list below the map has the same initiatives */ });
    }

    map.on("moveend", function () {
      if (!truncated || first) { return; }
      var b = map.getBounds();
      load([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(","));
    });
    load(null);
  }

  var kinds = { picker: picker, point: point, many: many };
  document.querySelectorAll("[data-map]").forEach(function (el) {
    var setup = kinds[el.dataset.map];
    if (setup) { setup(el); }
  });
})();
