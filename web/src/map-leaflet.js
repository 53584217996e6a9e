// The tiled map (a chunk of its own, loaded by views/map.js only when the
// administrator set a tile source): Leaflet with the tile layer as the base,
// the buildings as markers in the core's colour bands, Leaflet's scale bar
// and a north arrow. Positions are the core's: WGS-84, or its GCJ-02 when
// the tiles are drawn in that datum.
import L from 'leaflet';
import leafletCss from 'leaflet/dist/leaflet.css';

let styled = false;

function addStyle() {
  if (styled) return;
  styled = true;
  document.head.append(Object.assign(document.createElement('style'), { textContent: leafletCss }));
}

async function attached(el) {
  for (let i = 0; i < 200 && !el.isConnected; ++i) await new Promise((r) => setTimeout(r, 25));
  return el.isConnected;
}

/**
 * Replaces `frame`'s content by a Leaflet map of data.buildings over
 * data.tiles; `pick(b)` on a tap. Resolves the map (or null if the frame
 * left the page first).
 */
export async function tileMap(frame, data, pick, { buildingLabel, north, northShort, tileSent }) {
  if (!(await attached(frame))) return null;
  addStyle();
  const tiles = data.tiles;
  const pos = (b) => (tiles.datum === 'gcj02' ? b.gcj02 : b.location);
  const el = document.createElement('div');
  el.className = 'app-map__leaflet';
  frame.replaceChildren(el);
  const map = L.map(el, { zoomControl: true, attributionControl: !!tiles.attribution, maxZoom: tiles.max_zoom || 19 });
  await tileSent(tiles.url);
  const layer = L.tileLayer(tiles.url, { maxZoom: tiles.max_zoom || 19, attribution: tiles.attribution || '' });
  layer.addTo(map);
  // The view first: a layer added to a map with none yet is drawn later,
  // with no element to mark.
  const placed = data.buildings.filter((b) => pos(b));
  map.fitBounds(L.latLngBounds(placed.map((b) => [pos(b).lat, pos(b).lng])).pad(0.25),
    { maxZoom: Math.min(18, tiles.max_zoom || 19) });
  for (const b of placed) {
    const p = pos(b);
    const m = L.circleMarker([p.lat, p.lng], { radius: 9, weight: 2, className: `app-map__dot app-band_${b.band}` })
      .addTo(map).on('click', () => pick(b));
    m.bindTooltip(buildingLabel(b));
    const path = m.getElement();
    if (path) {
      path.setAttribute('data-map-building', b.building_id);
      path.setAttribute('data-band', b.band);
      path.setAttribute('aria-label', buildingLabel(b));
    }
  }
  L.control.scale({ metric: true, imperial: false, position: 'bottomleft' }).addTo(map);
  const North = L.Control.extend({
    onAdd() {
      const d = L.DomUtil.create('div', 'app-map__north-ctl');
      d.setAttribute('role', 'img');
      d.setAttribute('aria-label', north);
      d.innerHTML = '<svg viewBox="0 0 34 44" width="34" height="44" aria-hidden="true">'
        + '<circle cx="17" cy="17" r="16" class="app-map__badge"/>'
        + '<path d="M17 3 l7 17 l-7 -4 l-7 4 z" class="app-map__arrow"/></svg>';
      const label = document.createElement('span');
      label.textContent = northShort;
      d.append(label);
      return d;
    },
  });
  new North({ position: 'topright' }).addTo(map);
  frame.dataset.ready = 'tiles';
  return map;
}
