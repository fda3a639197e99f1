/* The councillor map page: choose a district on the map, in the list or by location.
 *
 * Progressive enhancement: without this file (or without Leaflet) the page still works
 * through its links and GET forms. The map comes from Folium; participate/councillors/maps.py
 * hands its objects over as window.participateMap = {map, districts}. The server decides
 * which district a point is in (GET /api/v1/districts/lookup); this file only shows it.
 * No inline handlers (CSP); all text comes from data-* attributes in the page's language.
 *
 * By keyboard: the map is a region named by its heading and described by the hint above it;
 * a skip link before it leads to the district panel. Each district is a button (Tab stop)
 * named like its list entry ("Suur-Tapiola: 2 councillors"); Enter or Space chooses it
 * (the panel, the address and the live region #map-status follow, the focus stays), and a
 * district that gets the focus is panned into view with its tooltip open.
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
      // Moving the focused path in the DOM would drop the keyboard focus.
      if (document.activeElement !== layers[selected].getElement()) {
        layers[selected].bringToFront();
      }
    }
    Object.keys(layers).forEach(function (slug) {
      var element = layers[slug].getElement();
      if (element) {
        element.setAttribute("aria-pressed", slug === selected ? "true" : "false");
      }
    });
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

  // The city's mainland in view, above the attribution, at the map's present size. Not
  // animated: Leaflet ignores a new zoom while one animates (e.g. Folium's first fit).
  function fitCity() {
    if (!registry.bounds) {
      return;
    }
    var attribution = registry.map.getContainer().querySelector(".leaflet-control-attribution");
    var bottom = attribution ? attribution.offsetHeight : 0;
    registry.map.fitBounds(registry.bounds, {
      paddingTopLeft: [8, 8],
      paddingBottomRight: [8, bottom + 8],
      animate: false
    });
  }

  function makeOperable(slug, layer) {
    var element = layer.getElement();
    var entry = entryFor(slug);
    if (!element || !entry) {
      return;
    }
    element.setAttribute("tabindex", "0");
    element.setAttribute("role", "button");
    element.setAttribute("aria-label", entry.getAttribute("data-announce"));
    element.setAttribute("aria-pressed", slug === selected ? "true" : "false");
    element.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") {
        event.preventDefault();
        event.stopPropagation();
        registry.map.closePopup();
        select(slug);
      }
    });
    element.addEventListener("focus", function () {
      var centre = layer.getBounds().getCenter();
      registry.map.panInside(centre, { padding: [40, 40] });
      layer.openTooltip(centre);
    });
    element.addEventListener("blur", function () {
      layer.closeTooltip();
    });
  }

  function setUpMap() {
    var container = registry.map.getContainer();
    container.removeAttribute("aria-label");
    container.setAttribute("aria-labelledby", "map-title");
    container.setAttribute("aria-describedby", "map-help");
    registry.districts.eachLayer(function (layer) {
      var slug = layer.feature.properties.slug;
      layers[slug] = layer;
      makeOperable(slug, layer);
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
    // Until the reader moves or zooms the map, it keeps the whole city in view when the
    // map's size changes (a phone turned, a window resized).
    var moved = false;
    function markMoved() {
      moved = true;
    }
    registry.map.on("dragstart", markMoved);
    container.addEventListener("wheel", markMoved, { passive: true });
    container.querySelectorAll(".leaflet-control-zoom a").forEach(function (button) {
      button.addEventListener("click", markMoved);
      button.addEventListener("keydown", markMoved);
    });
    registry.map.on("resize", function () {
      if (!moved && !(selected && layers[selected])) {
        fitCity();
      }
    });
    if (selected && layers[selected]) {
      restyle();
      registry.map.fitBounds(layers[selected].getBounds(), { maxZoom: 12, padding: [20, 20] });
    } else {
      fitCity();
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
