/* Initiative maps, wired from data attributes (the CSP allows no inline handlers):
 *   [data-map="picker"]  the form's point picker: click to mark, fills lat/lon and the district
 *   [data-map="point"]   one initiative's place
 *   [data-map="many"]    every initiative with a place; points in script#initiative-points
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
    var data = document.getElementById("initiative-points");
    var points = data ? JSON.parse(data.textContent) : [];
    var map = baseMap(el, ESPOO, 10);
    var bounds = [];
    points.forEach(function (p) {
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = p.title;
      link.lang = p.lang;
      var popup = document.createElement("div");
      popup.appendChild(link);
      var state = document.createElement("p");
      state.textContent = p.status;
      popup.appendChild(state);
      L.marker([p.lat, p.lon], { alt: p.title, title: p.title, keyboard: false }).bindPopup(popup).addTo(map);
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length > 1) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14 }); }
    else if (bounds.length === 1) { map.setView(bounds[0], 14); }
  }

  var kinds = { picker: picker, point: point, many: many };
  document.querySelectorAll("[data-map]").forEach(function (el) {
    var setup = kinds[el.dataset.map];
    if (setup) { setup(el); }
  });
})();
