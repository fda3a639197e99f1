/* The councillor map page: choose a district on the map, in the list or by location.
 *
 * Progressive enhancement: without this file (or without Leaflet) the page still works
 * through its links and GET forms. The map comes from Folium; participate/councillors/maps.py
 * hands its objects over as window.participateMap = {map, districts}. The server decides
 * which district a point is in (GET /api/v1/districts/lookup); this file only shows it.
 * No inline handlers (CSP); all text comes from data-* attributes in the page's language.
 */
(function () {
  "use strict";

  var app = document.getElementById("councillors-app");
  if (!app) {
    return;
  }
  var panel = document.getElementById("district-panel");
  var statusBox = document.getElementById("map-status");
  var registry = window.participateMap || null;
  var party = app.getAttribute("data-party") || "";
  var layers = {};
  var selected = panel.getAttribute("data-selected") || "";
  var SELECTED_STYLE = { weight: 5, color: "#000000", fillOpacity: 0.6 };
  var HOVER_STYLE = { weight: 4 };

  function message(name) {
    return app.getAttribute("data-msg-" + name) || "";
  }

  function announce(text) {
    statusBox.textContent = text;
  }

  function entryFor(slug) {
    var entries = document.querySelectorAll(".district-entry");
    for (var i = 0; i < entries.length; i += 1) {
      if (entries[i].getAttribute("data-district") === slug) {
        return entries[i];
      }
    }
    return null;
  }

  function restyle() {
    Object.keys(layers).forEach(function (slug) {
      registry.districts.resetStyle(layers[slug]);
    });
    if (layers[selected]) {
      layers[selected].setStyle(SELECTED_STYLE);
      layers[selected].bringToFront();
    }
  }

  // The panel gets a copy of the district's entry in the list: the same escaped text.
  function fillPanel(entry) {
    var heading = document.createElement("h2");
    heading.id = "panel-title";
    heading.textContent = entry.querySelector("h3").textContent.trim();
    var list = entry.querySelector(".councillors-of-district").cloneNode(true);
    list.querySelectorAll("[id]").forEach(function (node) {
      node.removeAttribute("id");
    });
    var more = document.createElement("p");
    var link = document.createElement("a");
    link.href = entry.querySelector("h3 a").href;
    link.textContent = message("open-page");
    more.appendChild(link);
    panel.replaceChildren(heading, list, more);
  }

  function select(slug, options) {
    var entry = entryFor(slug);
    if (!entry) {
      return;
    }
    selected = slug;
    panel.setAttribute("data-selected", slug);
    fillPanel(entry);
    if (registry) {
      restyle();
    }
    var result = document.getElementById("lookup-result");
    if (result) {
      result.hidden = true;
    }
    var url = new URL(window.location.href);
    ["postal_code", "lat", "lon"].forEach(function (key) {
      url.searchParams.delete(key);
    });
    url.searchParams.set("district", slug);
    url.hash = "";
    window.history.replaceState(null, "", url.toString());
    announce(entry.getAttribute("data-announce"));
    if (options && options.focus) {
      panel.focus();
    }
  }

  function lookup(lat, lon, fallbackSlug) {
    var url = app.getAttribute("data-lookup-url") +
      "?lat=" + encodeURIComponent(lat.toFixed(5)) +
      "&lon=" + encodeURIComponent(lon.toFixed(5));
    window.fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 404) {
          announce(message("outside"));
          return null;
        }
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (body) {
        if (body && body.district) {
          select(body.district.slug);
        }
      })
      .catch(function () {
        if (fallbackSlug) {
          select(fallbackSlug);
        } else {
          announce(message("error"));
        }
      });
  }

  function filterPopup(element) {
    if (!party || !element) {
      return;
    }
    var items = element.querySelectorAll(".map-popup-list li");
    var shown = 0;
    items.forEach(function (item) {
      var match = item.getAttribute("data-party") === party;
      item.hidden = !match;
      shown += match ? 1 : 0;
    });
    var none = element.querySelector(".map-popup-filtered");
    if (none) {
      none.hidden = shown > 0 || items.length === 0;
    }
  }

  function setUpMap() {
    registry.districts.eachLayer(function (layer) {
      var slug = layer.feature.properties.slug;
      layers[slug] = layer;
      layer.on("mouseover", function () {
        if (slug !== selected) {
          layer.setStyle(HOVER_STYLE);
        }
      });
      layer.on("mouseout", function () {
        if (slug !== selected) {
          registry.districts.resetStyle(layer);
        }
      });
      // Leaflet stops a click that opens a popup from reaching the map, so districts
      // listen themselves; clicks outside every district reach the map below.
      layer.on("click", function (event) {
        lookup(event.latlng.lat, event.latlng.lng, slug);
      });
    });
    registry.map.on("click", function (event) {
      lookup(event.latlng.lat, event.latlng.lng, "");
    });
    registry.map.on("popupopen", function (event) {
      var element = event.popup.getElement();
      var list = element && element.querySelector(".map-popup-list");
      if (list && list.children.length > 10) {
        list.classList.add("is-long");
      }
      filterPopup(element);
      event.popup.update();
    });
    if (selected && layers[selected]) {
      restyle();
      registry.map.fitBounds(layers[selected].getBounds(), { maxZoom: 12, padding: [20, 20] });
    }
  }

  function setUpLocate() {
    var box = document.getElementById("locate");
    var button = document.getElementById("locate-button");
    if (!box || !button || !("geolocation" in navigator)) {
      return;
    }
    box.hidden = false;
    button.addEventListener("click", function () {
      announce(message("locating"));
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var url = new URL(app.getAttribute("data-page-url"), window.location.href);
          url.searchParams.set("lat", position.coords.latitude.toFixed(5));
          url.searchParams.set("lon", position.coords.longitude.toFixed(5));
          if (party) {
            url.searchParams.set("party", party);
          }
          window.location.assign(url.toString());
        },
        function () {
          announce(message("geo-error"));
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 }
      );
    });
  }

  document.querySelectorAll("[data-select-district]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      select(link.getAttribute("data-select-district"), { focus: true });
    });
  });
  if (registry) {
    setUpMap();
  }
  setUpLocate();
})();
