// #/case/ID/map : routes (route records' path) and incidents (location
// lat/lon) over country outlines from world-atlas, drawn by Leaflet with no
// tile server, so the map works offline. The same features are listed below
// the map as links (its text alternative and keyboard route).
import * as L from '../../vendor/leaflet/leaflet-src.esm.js';
import { h, add, table } from '../dom.js';
import { allRecords } from '../api.js';
import { t, num, date, term } from '../i18n.js';
import { recordHref, quoted, ident } from '../ui.js';

let countriesPromise = null;

/** world-atlas countries-10m as GeoJSON (topojson-client, loaded by index.html). */
function countries() {
  if (!countriesPromise) {
    countriesPromise = fetch('vendor/world-atlas/countries-10m.json').then((r) => {
      if (!r.ok) throw new Error(`country outlines: ${r.status}`);
      return r.json();
    }).then((topo) => {
      if (!window.topojson) throw new Error('topojson-client did not load (vendor/topojson-client)');
      return window.topojson.feature(topo, topo.objects.countries);
    });
    countriesPromise.catch(() => { countriesPromise = null; });
  }
  return countriesPromise;
}

const validPoint = (p) => Array.isArray(p) && p.length >= 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]);

export async function render(ctx) {
  const id = ctx.route.caseId;
  const [routes, incidents] = await Promise.all([
    allRecords({ case: id, kind: 'route' }), allRecords({ case: id, kind: 'incident' })]);
  ctx.routes = routes.filter((r) => r.record && Array.isArray(r.record.path) && r.record.path.some(validPoint));
  ctx.incidents = incidents.filter((r) => r.record && r.record.location
    && Number.isFinite(r.record.location.lat) && Number.isFinite(r.record.location.lon));
  const unplaced = incidents.length - ctx.incidents.length;
  add(ctx.main, 
    h('h1', {}, t('map_title')),
    h('p', { class: 'lead' }, t('map_note', { routes: ctx.routes.length, incidents: ctx.incidents.length })),
    h('div', { id: 'map', role: 'region', 'aria-label': t('map_title') }),
    h('p', { class: 'legend-note' },
      h('span', { class: 'swatch', style: 'background:#0b57a4' }), t('map_legend_route'), ' · ',
      h('span', { class: 'swatch', style: 'background:#b3261e;border-radius:50%' }), t('map_legend_incident'),
      unplaced ? ` · ${t('map_unplaced', { n: unplaced })}` : ''),
    h('h2', {}, t('map_routes')),
    table(null, [t('col_route'), t('col_type'), t('col_from_to')], ctx.routes.map((r) => [
      h('a', { href: recordHref(r.id) }, quoted(r.record.name || r.id)), r.record.type ? term('route_type', r.record.type) : '',
      quoted([r.record.from, r.record.to].filter(Boolean).join(' – '))])),
    h('h2', {}, t('map_incidents')),
    table(null, [t('col_record'), t('col_date'), t('col_place'), t('col_fatalities')], ctx.incidents.map((r) => [
      h('a', { href: recordHref(r.id) }, ident(r.id)), date(r.record.date), quoted(r.record.location.name || ''),
      num(r.record.fatalities ? r.record.fatalities.best : 0)])));
}

export async function after(ctx) {
  const el = document.getElementById('map');
  const map = L.map(el, { attributionControl: true, zoomControl: false, worldCopyJump: false, minZoom: 2 });
  L.control.zoom({ zoomInTitle: t('zoom_in'), zoomOutTitle: t('zoom_out') }).addTo(map);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution('Natural Earth (world-atlas)');
  const bounds = L.latLngBounds([]);
  const routeLayer = L.featureGroup();
  for (const r of ctx.routes) {
    const points = r.record.path.filter(validPoint).map((p) => [p[0], p[1]]);
    // A crossing or a checkpoint is often a single point: a ring, not a line.
    const shape = points.length === 1
      ? L.circleMarker(points[0], { radius: 7, color: '#0b57a4', fillColor: '#ffffff', fillOpacity: 1, weight: 4 })
      : L.polyline(points, { color: '#0b57a4', weight: 4 });
    shape.bindPopup(() => h('a', { href: recordHref(r.id) }, quoted(r.record.name || r.id)));
    shape.addTo(routeLayer);
    for (const p of points) bounds.extend(p);
  }
  const incidentLayer = L.featureGroup();
  for (const r of ctx.incidents) {
    const ll = [r.record.location.lat, r.record.location.lon];
    const m = L.circleMarker(ll, { radius: 6, color: '#7a1a14', fillColor: '#b3261e', fillOpacity: 0.85, weight: 1 });
    m.bindPopup(() => h('div', {}, h('a', { href: recordHref(r.id) }, ident(r.id)), h('br'), `${date(r.record.date)} · `, quoted(r.record.location.name || '')));
    m.addTo(incidentLayer);
    bounds.extend(ll);
  }
  if (bounds.isValid()) map.fitBounds(bounds.pad(0.6), { maxZoom: 10 });
  else map.fitWorld();
  try {
    const geo = await countries();
    L.geoJSON(geo, { style: { color: '#7d8790', weight: 1, fillColor: '#f4f1ea', fillOpacity: 1 }, interactive: false })
      .addTo(map).bringToBack();
  } catch (e) {
    el.after(h('p', { class: 'error', role: 'alert' }, e.message));
  }
  routeLayer.addTo(map);
  incidentLayer.addTo(map);
  ctx.map = map;
}
