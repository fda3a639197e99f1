/* Leaflet in the page's language: load right after leaflet.js, before any map is made.
 * The strings come from the server (script#ui-strings, see participate/i18n/script_strings.py);
 * Leaflet's own defaults ("Zoom in", "Close popup", "Marker") are English.
 */
(function () {
  "use strict";
  var data = document.getElementById("ui-strings");
  if (!window.L || !data) { return; }
  var text = JSON.parse(data.textContent);
  L.Control.Zoom.prototype.options.zoomInTitle = text.zoomIn;
  L.Control.Zoom.prototype.options.zoomOutTitle = text.zoomOut;
  L.Marker.prototype.options.alt = text.marker;
  var initLayout = L.Popup.prototype._initLayout;
  L.Popup.include({
    _initLayout: function () {
      initLayout.call(this);
      if (this._closeButton) { this._closeButton.setAttribute("aria-label", text.closePopup); }
    }
  });
})();
