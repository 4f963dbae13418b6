// GeoFleet's operator console: sign-in, the live fleet on a map drawn from geofleetd's own tiles, routes,
// geofences and the ingest dashboard. Plain browser JavaScript, no build step; Leaflet is the only library.
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const COLOURS = { online: '#1a7f37', unknown: '#b58105', offline: '#7d7d7d' };
  const POLL_MS = 2000;
  const METRICS_MS = 3000;
  const LIST_MAX = 200;

  const state = {
    token: sessionStorage.getItem('geofleet.token'),
    vehicles: new Map(), // id → { id, lat, lon, speed, heading, timestamp, connectivity }
    plates: new Map(), // id → licence plate
    selected: null,
    tool: null, // 'route' | 'fence' | null
    points: [],
    lastRoute: null,
    timers: [],
  };
  // What tests and benchmarks read: when the first vehicle was drawn (ms since navigation), how many are drawn,
  // how long the last redraw took.
  const probe = { firstVehicleMs: null, drawnVehicles: 0, polls: 0, redrawMs: 0, stream: 'closed', streamUpdates: 0 };
  window.geofleetConsole = probe;

  // ---- API ----------------------------------------------------------------------------------------------

  async function api(path, options) {
    const opts = options || {};
    const headers = { Authorization: 'Bearer ' + state.token };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, {
      method: opts.method || 'GET', headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    if (!response.ok) {
      const error = new Error((data && data.error) || response.status + ' ' + response.statusText);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function showError(message) {
    $('error').textContent = message || '';
    $('error').hidden = !message;
  }

  // ---- Sign-in -----------------------------------------------------------------------------------------

  /** The token's claims, for the header only (the server checks the token; this does not). */
  function claims(token) {
    try {
      const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(atob(part));
    } catch (e) {
      return {};
    }
  }

  async function signIn(token) {
    state.token = token.trim();
    try {
      await api('/api/map/gps');
    } catch (e) {
      state.token = null;
      sessionStorage.removeItem('geofleet.token');
      showError('Sign-in failed: ' + e.message);
      showSignIn();
      return;
    }
    sessionStorage.setItem('geofleet.token', state.token);
    showError('');
    const c = claims(state.token);
    $('who').textContent = (c.sub || 'signed in') + (c.role ? ' · ' + c.role : '') + (c.plan ? ' · ' + c.plan : '');
    $('signin').hidden = true;
    $('main').hidden = false;
    $('views').hidden = false;
    $('sign-out').hidden = false;
    startApp();
  }

  function showSignIn() {
    closeStream();
    state.timers.forEach(clearInterval);
    state.timers = [];
    $('signin').hidden = false;
    $('main').hidden = true;
    $('dashboard').hidden = true;
    $('views').hidden = true;
    $('sign-out').hidden = true;
    $('who').textContent = '';
    $('token').focus();
  }

  // ---- Map -----------------------------------------------------------------------------------------------

  let map = null;
  let fleetLayer = null;
  let restrictionLayer = null;
  let toolLayer = null;
  let fenceLayer = null;
  let trackLayer = null;

  /** Vehicles on one canvas: arrows at street zoom, counted clusters below zoom 12 (10,000 stay smooth). */
  function makeFleetLayer() {
    return L.Layer.extend({
      onAdd(m) {
        this._canvas = L.DomUtil.create('canvas', 'fleet-canvas');
        this._canvas.setAttribute('aria-hidden', 'true');
        this._canvas.style.pointerEvents = 'none';
        m.getPanes().overlayPane.appendChild(this._canvas);
        m.on('move zoomend resize viewreset', this.redraw, this);
        this.redraw();
      },
      onRemove(m) {
        L.DomUtil.remove(this._canvas);
        m.off('move zoomend resize viewreset', this.redraw, this);
      },
      redraw() {
        if (!this._map) return;
        const began = performance.now();
        const m = this._map;
        const size = m.getSize();
        const ratio = window.devicePixelRatio || 1;
        const canvas = this._canvas;
        canvas.width = size.x * ratio;
        canvas.height = size.y * ratio;
        canvas.style.width = size.x + 'px';
        canvas.style.height = size.y + 'px';
        L.DomUtil.setPosition(canvas, m.containerPointToLayerPoint([0, 0]));
        const ctx = canvas.getContext('2d');
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        ctx.clearRect(0, 0, size.x, size.y);
        const visible = [];
        for (const v of state.vehicles.values()) {
          if (!matchesFilter(v)) continue;
          const p = m.latLngToContainerPoint([v.lat, v.lon]);
          if (p.x < -20 || p.y < -20 || p.x > size.x + 20 || p.y > size.y + 20) continue;
          visible.push([v, p]);
        }
        if (m.getZoom() < 12 && visible.length > 300) drawClusters(ctx, visible);
        else for (const [v, p] of visible) drawVehicle(ctx, v, p);
        probe.drawnVehicles = visible.length;
        probe.redrawMs = performance.now() - began;
        if (visible.length > 0 && probe.firstVehicleMs === null) probe.firstVehicleMs = performance.now();
      },
    });
  }

  function drawVehicle(ctx, v, p) {
    const colour = COLOURS[v.connectivity] || COLOURS.unknown;
    const moving = v.speed >= 3;
    ctx.save();
    ctx.translate(p.x, p.y);
    if (v.id === state.selected) {
      ctx.beginPath();
      ctx.arc(0, 0, 14, 0, 2 * Math.PI);
      ctx.strokeStyle = '#0b5cad';
      ctx.lineWidth = 3;
      ctx.stroke();
    }
    ctx.fillStyle = colour;
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    if (moving) {
      // An arrow along the heading; faster vehicles get a longer one.
      const length = 9 + Math.min(6, v.speed / 20);
      ctx.rotate(((v.heading || 0) * Math.PI) / 180);
      ctx.moveTo(0, -length);
      ctx.lineTo(7, 7);
      ctx.lineTo(0, 3);
      ctx.lineTo(-7, 7);
      ctx.closePath();
    } else {
      ctx.arc(0, 0, 7, 0, 2 * Math.PI);
    }
    ctx.fill();
    ctx.stroke();
    ctx.restore();
  }

  function drawClusters(ctx, visible) {
    const cell = 56;
    const cells = new Map();
    for (const [v, p] of visible) {
      const key = Math.floor(p.x / cell) + ':' + Math.floor(p.y / cell);
      let c = cells.get(key);
      if (!c) cells.set(key, (c = { x: 0, y: 0, n: 0, online: 0 }));
      c.x += p.x;
      c.y += p.y;
      c.n += 1;
      if (v.connectivity === 'online') c.online += 1;
    }
    ctx.font = '600 12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const c of cells.values()) {
      const x = c.x / c.n;
      const y = c.y / c.n;
      const r = 10 + Math.min(15, Math.log2(c.n) * 2.2); // at most 25: neighbours in 56 px cells do not overlap much
      ctx.beginPath();
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.fillStyle = c.online * 2 >= c.n ? 'rgba(26,127,55,0.85)' : 'rgba(125,125,125,0.85)';
      ctx.fill();
      ctx.fillStyle = '#fff';
      ctx.fillText(String(c.n), x, y);
    }
  }

  function initMap() {
    if (!window.L) {
      $('map').innerHTML =
        '<p class="nomap">Leaflet is not installed on the server (Debian: <code>apt-get install libjs-leaflet</code>, ' +
        'or set GEOFLEET_CONSOLE_LEAFLET_DIR). The vehicle list and the ingest dashboard still work.</p>';
      return;
    }
    map = L.map('map', { preferCanvas: true, keyboard: true, worldCopyJump: true }).setView([20, 0], 2);
    L.tileLayer('/tiles/{z}/{x}/{y}.png', {
      maxZoom: 20, attribution: 'Roads © OpenStreetMap contributors (ODbL), drawn by geofleetd',
    }).addTo(map);
    restrictionLayer = L.tileLayer('/tiles/{z}/{x}/{y}.png?layer=restrictions', { maxZoom: 20 });
    fenceLayer = L.featureGroup().addTo(map);
    trackLayer = L.featureGroup().addTo(map);
    toolLayer = L.featureGroup().addTo(map);
    fleetLayer = new (makeFleetLayer())().addTo(map);
    map.on('click', onMapClick);
    // By keyboard: arrows pan (Leaflet), Enter puts a tool's point at the map's centre.
    map.on('keydown', (e) => {
      if (e.originalEvent.key !== 'Enter' || !state.tool) return;
      const centre = map.getCenter();
      onMapClick({ latlng: centre, containerPoint: map.latLngToContainerPoint(centre) });
    });
    probe.map = map;
  }

  let fitted = false;
  function fitOnce() {
    if (fitted || !map || state.vehicles.size === 0) return;
    fitted = true;
    const all = Array.from(state.vehicles.values(), (v) => [v.lat, v.lon]);
    map.fitBounds(L.latLngBounds(all).pad(0.3), { maxZoom: 15 });
  }

  function onMapClick(event) {
    if (state.tool === 'route') return routeClick(event.latlng);
    if (state.tool === 'fence') return fenceClick(event.latlng);
    // The nearest vehicle within 14 px is selected.
    const here = event.containerPoint;
    let best = null;
    let bestDistance = 14;
    for (const v of state.vehicles.values()) {
      if (!matchesFilter(v)) continue;
      const d = map.latLngToContainerPoint([v.lat, v.lon]).distanceTo(here);
      if (d < bestDistance) { best = v; bestDistance = d; }
    }
    if (best) select(best.id, false);
  }

  // ---- The fleet -----------------------------------------------------------------------------------------

  // Positions arrive on /api/stream (a WebSocket; the token rides as a subprotocol, since a browser cannot set
  // Authorization on one). /api/map/gps is polled every 2 s while the stream is down, every 10 s while it is up
  // (for connectivity changes and removed vehicles).
  let stream = null;
  let lastPoll = 0;
  let redrawPending = false;
  let lastList = 0;
  let listTimer = null;

  function openStream() {
    if (!state.token || !('WebSocket' in window)) return;
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const resume = probe.resume ? '?resume=' + probe.resume : '';
    const ws = new WebSocket(scheme + location.host + '/api/stream' + resume, ['geofleet.bearer', state.token]);
    stream = ws;
    ws.onopen = () => { probe.stream = 'open'; };
    ws.onmessage = (message) => {
      let m;
      try { m = JSON.parse(message.data); } catch (e) { return; }
      if (m.resume) probe.resume = m.resume;
      if (m.event === 'fleet_gps_update' && m.data) applyUpdate(m.data);
    };
    ws.onclose = () => {
      if (stream !== ws) return;
      probe.stream = 'closed';
      stream = null;
      if (state.token) setTimeout(openStream, 3000);
    };
  }

  function closeStream() {
    const ws = stream;
    stream = null;
    probe.stream = 'closed';
    if (ws) ws.close();
  }

  function applyUpdate(p) {
    const known = state.vehicles.get(p.vehicleId);
    state.vehicles.set(p.vehicleId, {
      id: p.vehicleId, lat: p.lat, lon: p.long, speed: p.speed || 0, heading: p.heading || 0, timestamp: p.timestamp,
      connectivity: known ? known.connectivity : 'online', cargo: known ? known.cargo : null,
    });
    probe.streamUpdates += 1;
    // Thousands of updates a second at fleet scale: one map redraw per frame, the list (a sort of the whole
    // fleet) at most once a second.
    if (redrawPending) return;
    redrawPending = true;
    requestAnimationFrame(() => {
      redrawPending = false;
      if (fleetLayer) fleetLayer.redraw();
      if (!listTimer) listTimer = setTimeout(refreshList, Math.max(0, 1000 - (performance.now() - lastList)));
    });
  }

  function refreshList() {
    listTimer = null;
    lastList = performance.now();
    renderList();
    if (state.selected) renderDetails();
  }

  function pollTick() {
    const every = probe.stream === 'open' ? 10000 : POLL_MS;
    if (performance.now() - lastPoll >= every - 100) poll();
  }

  async function poll() {
    lastPoll = performance.now();
    let data;
    try {
      data = await api('/api/map/gps');
    } catch (e) {
      if (e.status === 401) { showError('Signed out: ' + e.message); showSignIn(); return; }
      $('count').textContent = 'Positions unavailable: ' + e.message;
      return;
    }
    const seen = new Set();
    for (const p of data.positions) {
      seen.add(p.vehicleId);
      state.vehicles.set(p.vehicleId, {
        id: p.vehicleId, lat: p.lat, lon: p.long, speed: p.speed || 0, heading: p.heading || 0, timestamp: p.timestamp,
        connectivity: p.connectivity || 'unknown', cargo: p.cargo || null,
      });
    }
    for (const id of Array.from(state.vehicles.keys())) if (!seen.has(id)) state.vehicles.delete(id);
    probe.polls += 1;
    fitOnce();
    if (fleetLayer) fleetLayer.redraw();
    renderList();
    if (state.selected) renderDetails();
  }

  /** Licence plates, a page of 100 at a time, for the list and the search (the map needs none). */
  async function loadPlates() {
    for (let page = 1; page <= 20; page++) {
      let data;
      try { data = await api('/api/fleet/vehicles?limit=100&page=' + page); } catch (e) { return; }
      const items = data.vehicles || data.items || [];
      for (const v of items) state.plates.set(v.id, v.license);
      if (items.length < 100) break;
    }
    renderList();
  }

  function label(v) { return state.plates.get(v.id) || v.id.slice(0, 8); }

  function matchesFilter(v) {
    const status = $('status-filter').value;
    if (status && v.connectivity !== status) return false;
    const query = $('search').value.trim().toLowerCase();
    if (!query) return true;
    return v.id.includes(query) || (state.plates.get(v.id) || '').toLowerCase().includes(query);
  }

  function renderList() {
    const list = $('vehicles');
    const focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.dataset.id : null;
    const shown = Array.from(state.vehicles.values()).filter(matchesFilter);
    // Plain comparison of precomputed labels: localeCompare over 10,000 vehicles held the tab ~100 ms a second.
    const keys = new Map(shown.map((v) => [v, label(v)]));
    shown.sort((a, b) => { const x = keys.get(a); const y = keys.get(b); return x < y ? -1 : x > y ? 1 : 0; });
    const fragment = document.createDocumentFragment();
    for (const v of shown.slice(0, LIST_MAX)) {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.id = v.id;
      button.dataset.lat = String(v.lat);
      button.dataset.lon = String(v.lon);
      button.dataset.connectivity = v.connectivity;
      if (v.id === state.selected) button.className = 'selected';
      const dot = document.createElement('span');
      dot.className = 'dot ' + v.connectivity;
      const name = document.createElement('span');
      name.textContent = label(v);
      const speed = document.createElement('span');
      speed.className = 'speed';
      speed.textContent = Math.round(v.speed) + ' km/h';
      button.append(dot, name, speed);
      button.setAttribute('aria-label', label(v) + ', ' + v.connectivity + ', ' + Math.round(v.speed) + ' km/h');
      button.addEventListener('click', () => select(v.id, true));
      li.append(button);
      fragment.append(li);
    }
    list.replaceChildren(fragment);
    $('count').textContent = shown.length + ' of ' + state.vehicles.size + ' vehicles' +
      (shown.length > LIST_MAX ? ' (first ' + LIST_MAX + ' listed; search to narrow)' : '');
    if (focused) {
      const again = list.querySelector('button[data-id="' + focused + '"]');
      if (again) again.focus();
    }
  }

  function select(id, pan) {
    state.selected = id;
    const v = state.vehicles.get(id);
    if (map && v && pan) map.panTo([v.lat, v.lon]);
    renderList();
    renderDetails();
    if (fleetLayer) fleetLayer.redraw();
  }

  function renderDetails() {
    const v = state.vehicles.get(state.selected);
    const box = $('details');
    if (!v) { box.hidden = true; return; }
    box.hidden = false;
    const rows = [
      ['Vehicle', label(v)], ['Id', v.id], ['Status', v.connectivity], ['Speed', Math.round(v.speed) + ' km/h'],
      ['Heading', Math.round(v.heading) + '°'], ['Fix', v.timestamp], ['Position', v.lat.toFixed(5) + ', ' + v.lon.toFixed(5)],
    ];
    const dl = document.createElement('dl');
    for (const [k, value] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = value;
      dl.append(dt, dd);
    }
    const heading = document.createElement('h2');
    heading.textContent = label(v);
    const track = document.createElement('button');
    track.type = 'button';
    track.textContent = "Today's track";
    track.addEventListener('click', () => showTrack(v.id));
    const out = document.createElement('p');
    out.id = 'track-summary';
    out.textContent = box.querySelector('#track-summary') ? box.querySelector('#track-summary').textContent : '';
    const parts = [heading, dl, track];
    if (v.cargo && v.cargo.id) {
      const deal = document.createElement('button');
      deal.type = 'button';
      deal.textContent = 'Load ' + v.cargo.id + ': progress';
      deal.addEventListener('click', () => showDeal(v.cargo.id));
      parts.push(deal);
    }
    box.replaceChildren(...parts, out);
  }

  async function showTrack(id) {
    const from = new Date();
    from.setHours(0, 0, 0, 0);
    const query = '?from=' + encodeURIComponent(from.toISOString()) + '&to=' + encodeURIComponent(new Date().toISOString());
    try {
      const [track, trips] = await Promise.all([
        api('/api/fleet/vehicles/' + id + '/track' + query), api('/api/fleet/vehicles/' + id + '/trips' + query),
      ]);
      if (trackLayer) {
        trackLayer.clearLayers();
        const line = track.positions.map((p) => [p.lat, p.long]);
        if (line.length > 1) L.polyline(line, { color: '#0b5cad', weight: 4, opacity: 0.8 }).addTo(trackLayer);
        for (const s of track.stops) {
          L.circleMarker([s.lat, s.long], { radius: 6, color: '#7a0b0b', fillOpacity: 0.9 })
            .bindTooltip('Stop ' + Math.round(s.durationSeconds / 60) + ' min').addTo(trackLayer);
        }
      }
      $('track-summary').textContent = track.pointCount + ' fixes, ' + (track.distanceMeters / 1000).toFixed(1) + ' km, ' +
        track.stops.length + ' stops, ' + (trips.trips || []).length + ' trips today';
    } catch (e) {
      $('track-summary').textContent = 'Track unavailable: ' + e.message;
    }
  }

  // ---- Tools: routes and fences -------------------------------------------------------------------------

  function setTool(tool) {
    state.tool = state.tool === tool ? null : tool;
    state.points = [];
    toolLayer && toolLayer.clearLayers();
    $('tool-route').setAttribute('aria-pressed', String(state.tool === 'route'));
    $('tool-fence').setAttribute('aria-pressed', String(state.tool === 'fence'));
    for (const id of ['fence-shape', 'fence-name', 'fence-save']) $(id).hidden = state.tool !== 'fence';
    $('tool-status').textContent =
      state.tool === 'route' ? 'Click the start, then the end.' :
      state.tool === 'fence' ? 'Click the corners (polygon) or the centre and an edge point (circle), name it, then Save.' : '';
  }

  async function routeClick(latlng) {
    state.points.push(latlng);
    L.circleMarker(latlng, { radius: 6, color: state.points.length === 1 ? '#1a7f37' : '#7a0b0b' }).addTo(toolLayer);
    if (state.points.length < 2) return;
    const [a, b] = state.points;
    state.points = [];
    $('tool-status').textContent = 'Routing…';
    try {
      const r = await api('/api/routes/estimate', {
        method: 'POST',
        body: { from: { lat: a.lat, long: a.lng }, to: { lat: b.lat, long: b.lng }, profile: $('profile').value, geometry: 'geojson' },
      });
      state.lastRoute = r;
      if (r.geometry) {
        L.polyline(r.geometry.coordinates.map((c) => [c[1], c[0]]), { color: '#0b5cad', weight: 5 }).addTo(toolLayer);
      } else {
        L.polyline([a, b], { color: '#0b5cad', weight: 3, dashArray: '6 6' }).addTo(toolLayer);
      }
      const band = r.errorBand ? ' (±: ' + r.errorBand.distanceMeters.map((x) => (x / 1000).toFixed(1)).join('–') + ' km)' : '';
      const label = $('route-label');
      label.dataset.distanceMeters = String(r.distanceMeters);
      label.textContent = 'Route ' + r.profile + ': ' + r.distanceMeters + ' m (' + (r.distanceMeters / 1000).toFixed(2) + ' km), ' +
        Math.round(r.durationSeconds / 60) + ' min, ' + Math.round(r.durationWithBreaksSeconds / 60) + ' min with ' + r.breaks +
        ' breaks; source ' + r.source + band + (r.fallbackReason ? ' — ' + r.fallbackReason : '');
      $('fence-corridor').hidden = !r.geometry;
      $('tool-status').textContent = '';
    } catch (e) {
      $('tool-status').textContent = 'No route: ' + e.message;
    }
  }

  function fenceClick(latlng) {
    state.points.push(latlng);
    toolLayer.clearLayers();
    if ($('fence-shape').value === 'circle' && state.points.length >= 2) {
      state.points = state.points.slice(0, 2);
      L.circle(state.points[0], { radius: map.distance(state.points[0], state.points[1]) }).addTo(toolLayer);
    } else {
      L.polygon(state.points, { color: '#b58105' }).addTo(toolLayer);
    }
    for (const p of state.points) L.circleMarker(p, { radius: 4, color: '#b58105' }).addTo(toolLayer);
  }

  async function saveFence(area) {
    const name = $('fence-name').value.trim() || 'Fence ' + new Date().toISOString().slice(0, 16);
    try {
      const r = await api('/api/geofences', { method: 'POST', body: { name, area } });
      $('tool-status').textContent = 'Fence saved: ' + name;
      $('tool-status').dataset.fenceId = r.geofenceId;
      setTool(null);
      $('tool-status').textContent = 'Fence saved: ' + name;
      loadFences();
    } catch (e) {
      $('tool-status').textContent = 'Fence refused: ' + e.message;
    }
  }

  function saveDrawnFence() {
    const p = state.points;
    if ($('fence-shape').value === 'circle') {
      if (p.length < 2) { $('tool-status').textContent = 'A circle needs a centre and an edge point.'; return; }
      return saveFence({ type: 'circle', center: { lat: p[0].lat, long: p[0].lng }, radiusMeters: Math.max(1, map.distance(p[0], p[1])) });
    }
    if (p.length < 3) { $('tool-status').textContent = 'A polygon needs at least three corners.'; return; }
    const ring = p.map((q) => [q.lng, q.lat]);
    ring.push(ring[0]);
    return saveFence({ type: 'polygon', coordinates: [ring] });
  }

  /** A fence's popup: rename or delete it (a deal's own fences are the deal's to change, so they get none). */
  function fencePopup(f) {
    const box = document.createElement('div');
    const name = document.createElement('input');
    name.value = f.name;
    name.setAttribute('aria-label', 'Fence name');
    const rename = document.createElement('button');
    rename.type = 'button';
    rename.textContent = 'Rename';
    rename.addEventListener('click', async () => {
      const body = { name: name.value.trim() || f.name, area: f.area };
      for (const k of ['speedLimitKmh', 'dwellMinutes', 'schedule']) if (f[k] !== undefined) body[k] = f[k];
      try { await api('/api/geofences/' + f.id, { method: 'PUT', body }); $('tool-status').textContent = 'Fence renamed'; loadFences(); }
      catch (e) { $('tool-status').textContent = 'Rename refused: ' + e.message; }
    });
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Delete';
    remove.addEventListener('click', async () => {
      try { await api('/api/geofences/' + f.id, { method: 'DELETE' }); $('tool-status').textContent = 'Fence deleted'; loadFences(); }
      catch (e) { $('tool-status').textContent = 'Delete refused: ' + e.message; }
    });
    box.append(name, rename, remove);
    return box;
  }

  async function loadFences() {
    if (!fenceLayer) return;
    let data;
    try { data = await api('/api/geofences'); } catch (e) { return; }
    fenceLayer.clearLayers();
    for (const f of data.geofences || []) {
      const a = f.area || {};
      const style = { color: '#b58105', weight: 2, fillOpacity: 0.12 };
      let shape = null;
      if (a.type === 'circle') shape = L.circle([a.center.lat, a.center.long], Object.assign({ radius: a.radiusMeters }, style));
      else if (a.type === 'polygon') shape = L.polygon(a.coordinates.map((ring) => ring.map((c) => [c[1], c[0]])), style);
      else if (a.type === 'corridor') shape = L.polyline(a.line.map((c) => [c[1], c[0]]), Object.assign({}, style, { weight: 6, opacity: 0.5 }));
      if (!shape) continue;
      shape.bindTooltip(f.name).addTo(fenceLayer);
      // While a tool draws, a click on a fence is a point of the drawing, not a request to edit it.
      if (!f.cargoId) shape.on('click', (e) => { if (!state.tool) L.popup().setLatLng(e.latlng).setContent(fencePopup(f)).openOn(map); });
    }
  }

  // ---- Loads: candidate trucks and deal progress ------------------------------------------------------------

  /** Red (0) through amber to green (1). */
  function scoreColour(score) {
    const t = Math.max(0, Math.min(1, score));
    return 'hsl(' + Math.round(t * 120) + ', 75%, 38%)';
  }

  async function matchLoad(cargoId) {
    if (!cargoId) return;
    $('load-label').textContent = 'Matching ' + cargoId + '…';
    try {
      const r = await api('/api/match/cargo', { method: 'POST', body: { cargoId, limit: 50 } });
      toolLayer && toolLayer.clearLayers();
      const candidates = r.candidates || [];
      const top = Math.max(1e-9, ...candidates.map((c) => c.score || 0));
      // The answer names no pickup; an assigned load's comes with its vehicle on /api/map/gps. Without one the
      // candidates get rings in their score's colour instead of lines to the pickup.
      const carrier = Array.from(state.vehicles.values()).find((v) => v.cargo && v.cargo.id === cargoId && v.cargo.pickup);
      const pickup = carrier ? carrier.cargo.pickup : null;
      for (const c of candidates) {
        const v = state.vehicles.get(c.vehicleId);
        if (!v || !map) continue;
        const to = pickup ? [pickup.lat, pickup.long] : null;
        const line = to ? [[v.lat, v.lon], to] : null;
        if (line) {
          L.polyline(line, { color: scoreColour((c.score || 0) / top), weight: 3, opacity: 0.85 })
            .bindTooltip(label(v) + ': score ' + (c.score || 0).toFixed(2) + ', ' + c.roadDistanceKm + ' km, ETA ' + c.etaMinutes + ' min')
            .addTo(toolLayer);
        } else {
          L.circleMarker([v.lat, v.lon], { radius: 12, color: scoreColour((c.score || 0) / top), weight: 4, fill: false }).addTo(toolLayer);
        }
      }
      probe.candidatesDrawn = toolLayer ? toolLayer.getLayers().length : 0;
      const best = candidates[0];
      $('load-label').textContent = 'Load ' + cargoId + ': ' + candidates.length + ' candidate trucks' +
        (best ? '; best ' + label(state.vehicles.get(best.vehicleId) || { id: best.vehicleId }) + ' (score ' + (best.score || 0).toFixed(2) + ')' : '');
    } catch (e) {
      $('load-label').textContent = 'No match for ' + cargoId + ': ' + e.message;
    }
  }

  async function showDeal(cargoId) {
    try {
      const d = await api('/api/deals/' + encodeURIComponent(cargoId) + '/progress');
      $('load-label').textContent = 'Load ' + cargoId + ': ' + d.state + ', ' + d.progress + ' %' +
        (d.etaDelivery ? ', delivery ETA ' + d.etaDelivery : '') + (d.routeDistanceMeters ? ', ' + (d.routeDistanceMeters / 1000).toFixed(1) + ' km' : '');
    } catch (e) {
      $('load-label').textContent = 'No deal progress for ' + cargoId + ': ' + e.message;
    }
  }

  // ---- Ingest dashboard -----------------------------------------------------------------------------------

  /** Prometheus text → [{ name, labels, value }]. */
  function parseMetrics(text) {
    const out = [];
    for (const line of text.split('\n')) {
      if (!line || line[0] === '#') continue;
      const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
      if (!m) continue;
      const labels = {};
      if (m[3]) for (const pair of m[3].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
      out.push({ name: m[1], labels, value: Number(m[4]) });
    }
    return out;
  }

  function sum(samples, name, where) {
    let total = 0;
    for (const s of samples) if (s.name === name && (!where || where(s.labels))) total += s.value;
    return total;
  }

  // Each chart: a label, a unit and how to read its value from this scrape and the one before.
  const CHARTS = [
    { id: 'positions', title: 'Positions stored / s', rate: (s) => sum(s, 'geofleet_positions_stored_total') },
    { id: 'frames', title: 'Device frames acked / s, by protocol', rate: (s) => sum(s, 'geofleet_device_frames_total', (l) => l.result === 'acknowledged'), byLabel: 'protocol' },
    { id: 'ack', title: 'ACK latency, mean (ms)', value: (s, prev) => meanMs(s, prev, 'geofleet_device_ack_seconds') },
    { id: 'spool', title: 'Spool backlog (bytes)', value: (s) => sum(s, 'geofleet_spool_pending_bytes') },
    { id: 'writer', title: 'Writer lag (s)', value: (s) => sum(s, 'geofleet_history_lag_seconds') },
    { id: 'devices', title: 'Connected devices', value: (s) => sum(s, 'geofleet_device_connections_open') },
    { id: 'filtered', title: 'Filtered positions / s', rate: (s) => sum(s, 'geofleet_positions_filtered_total'), byLabel: 'reason', labelName: 'geofleet_positions_filtered_total' },
    { id: 'routecache', title: 'Route cache hit ratio', value: (s) => sum(s, 'geofleet_route_cache_hit_ratio') },
    { id: 'tiles', title: 'Tile cache hits / s', rate: (s) => sum(s, 'geofleet_tile_cache_hits_total') },
  ];

  function meanMs(s, prev, name) {
    if (!prev) return 0;
    const count = sum(s, name + '_count') - sum(prev, name + '_count');
    return count > 0 ? ((sum(s, name + '_sum') - sum(prev, name + '_sum')) / count) * 1000 : 0;
  }

  const history = new Map(); // chart id → values
  let previous = null;
  let previousAt = 0;

  function buildCharts() {
    const box = $('charts');
    box.replaceChildren();
    for (const c of CHARTS) {
      const figure = document.createElement('figure');
      const caption = document.createElement('figcaption');
      const title = document.createElement('span');
      title.textContent = c.title;
      const output = document.createElement('output');
      output.id = 'm-' + c.id;
      output.textContent = '–';
      caption.append(title, output);
      const canvas = document.createElement('canvas');
      canvas.id = 'c-' + c.id;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', c.title + ', last minutes');
      const detail = document.createElement('p');
      detail.className = 'hint';
      detail.id = 'd-' + c.id;
      figure.append(caption, canvas, detail);
      box.append(figure);
      history.set(c.id, []);
    }
  }

  async function pollMetrics() {
    let text;
    try {
      const response = await fetch('/metrics');
      text = await response.text();
    } catch (e) {
      return;
    }
    const samples = parseMetrics(text);
    const now = performance.now();
    const seconds = (now - previousAt) / 1000;
    for (const c of CHARTS) {
      let value;
      if (c.rate) value = previous ? Math.max(0, (c.rate(samples) - c.rate(previous)) / seconds) : null;
      else value = c.value(samples, previous);
      if (value === null) continue;
      const values = history.get(c.id);
      values.push(value);
      if (values.length > 60) values.shift();
      $('m-' + c.id).textContent = value >= 100 ? Math.round(value).toString() : value.toFixed(c.id === 'routecache' ? 2 : 1);
      if (c.byLabel && previous) $('d-' + c.id).textContent = breakdown(samples, previous, c, seconds);
      sparkline($('c-' + c.id), values);
    }
    previous = samples;
    previousAt = now;
  }

  function breakdown(samples, prev, c, seconds) {
    const name = c.id === 'frames' ? 'geofleet_device_frames_total' : c.labelName;
    const parts = new Map();
    for (const s of samples) if (s.name === name && (c.id !== 'frames' || s.labels.result === 'acknowledged')) {
      const key = s.labels[c.byLabel];
      const before = prev.find((p) => p.name === name && p.labels[c.byLabel] === key && p.labels.result === s.labels.result);
      parts.set(key, (parts.get(key) || 0) + (s.value - (before ? before.value : 0)) / seconds);
    }
    return Array.from(parts, ([k, v]) => k + ' ' + v.toFixed(1)).join(' · ');
  }

  function sparkline(canvas, values) {
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 240;
    const height = canvas.clientHeight || 60;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const top = Math.max(1e-9, ...values);
    ctx.beginPath();
    values.forEach((v, i) => {
      const x = (i / 59) * (width - 2) + 1;
      const y = height - 2 - (v / top) * (height - 6);
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.strokeStyle = '#0b5cad';
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }

  // ---- Views and start -----------------------------------------------------------------------------------

  function showView(name) {
    $('main').hidden = name !== 'map';
    $('dashboard').hidden = name !== 'dashboard';
    $('tab-map').setAttribute('aria-pressed', String(name === 'map'));
    $('tab-dashboard').setAttribute('aria-pressed', String(name === 'dashboard'));
    if (name === 'map' && map) map.invalidateSize();
    if (name === 'dashboard') pollMetrics();
  }

  let appStarted = false;
  function startApp() {
    if (!appStarted) {
      appStarted = true;
      initMap();
      buildCharts();
    }
    poll();
    loadPlates();
    loadFences();
    pollMetrics();
    openStream();
    state.timers.push(setInterval(pollTick, POLL_MS), setInterval(pollMetrics, METRICS_MS));
  }

  function wire() {
    $('signin-form').addEventListener('submit', (e) => { e.preventDefault(); signIn($('token').value); });
    $('sign-out').addEventListener('click', () => { sessionStorage.removeItem('geofleet.token'); state.token = null; showSignIn(); });
    $('tab-map').addEventListener('click', () => showView('map'));
    $('tab-dashboard').addEventListener('click', () => showView('dashboard'));
    $('search').addEventListener('input', () => { renderList(); fleetLayer && fleetLayer.redraw(); });
    $('status-filter').addEventListener('change', () => { renderList(); fleetLayer && fleetLayer.redraw(); });
    $('tool-route').addEventListener('click', () => setTool('route'));
    $('tool-fence').addEventListener('click', () => setTool('fence'));
    $('fence-save').addEventListener('click', saveDrawnFence);
    $('fence-corridor').addEventListener('click', () => {
      if (state.lastRoute && state.lastRoute.geometry) saveFence({ type: 'corridor', line: state.lastRoute.geometry.coordinates, widthMeters: 200 });
    });
    $('load-match').addEventListener('click', () => matchLoad($('load-id').value.trim()));
    $('load-id').addEventListener('keydown', (e) => { if (e.key === 'Enter') matchLoad($('load-id').value.trim()); });
    $('tool-clear').addEventListener('click', () => {
      setTool(null);
      toolLayer && toolLayer.clearLayers();
      trackLayer && trackLayer.clearLayers();
      $('route-label').textContent = '';
      $('load-label').textContent = '';
    });
    $('layer-restrictions').addEventListener('change', (e) => {
      if (!map) return;
      if (e.target.checked) restrictionLayer.addTo(map); else map.removeLayer(restrictionLayer);
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && state.tool) setTool(null);
    });
  }

  wire();
  if (state.token) signIn(state.token); else showSignIn();
})();
