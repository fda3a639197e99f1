/* Leaflet in the page's language and by keyboard: load right after leaflet.js, before any
 * map is made. The strings come from the server (script#ui-strings, see
 * participate/i18n/script_strings.py); Leaflet's own defaults ("Zoom in", "Close popup",
 * "Marker") are English. Every map is a named region (a page may name it better with
 * aria-labelledby), and the zoom buttons (links with role="button") answer Space as well as
 * Enter, as buttons do (WCAG 2.1.1).
 */
(function () {
  "use strict";
  var data = document.getElementById("ui-strings");
  if (!window.L || !data) { return; }
  var text = JSON.parse(data.textContent);
  L.Control.Zoom.prototype.options.zoomInTitle = text.zoomIn;
  L.Control.Zoom.prototype.options.zoomOutTitle = text.zoomOut;
  L.Marker.prototype.options.alt = text.marker;
  L.Map.addInitHook(function () {
    var container = this.getContainer();
    container.setAttribute("role", "region");
    if (!container.hasAttribute("aria-labelledby")) {
      container.setAttribute("aria-label", text.map);
    }
  });
  var createButton = L.Control.Zoom.prototype._createButton;
  L.Control.Zoom.include({
    _createButton: function (html, title, className, container, fn) {
      var link = createButton.apply(this, arguments);
      L.DomEvent.on(link, "keydown", function (event) {
        if (event.key === " " || event.key === "Spacebar") {
          L.DomEvent.stop(event);
          fn.call(this, event);
        }
      }, this);
      return link;
    }
  });
  var initLayout = L.Popup.prototype._initLayout;
  L.Popup.include({
    _initLayout: function () {
      initLayout.call(this);
      if (this._closeButton) { this._closeButton.setAttribute("aria-label", text.closePopup); }
    }
  });
})();
