// The organisation map: country outlines (or tiles), clustered markers, a popup per marker.
// Configuration comes from data-* attributes on #map (the CSP forbids inline scripts).
const el = document.getElementById("map");
const statusEl = document.getElementById("map-status");
const L = window.L;
// Django's JavaScript catalogue (/jsi18n/); the page's data-* texts come first.
const gettext = window.gettext || ((text) => text);

function say(text) {
  if (statusEl) statusEl.textContent = text;
}

function countryName(code) {
  try {
    const names = new Intl.DisplayNames([document.documentElement.lang || "en"], { type: "region" });
    return names.of(code) || code;
  } catch {
    return code;
  }
}

function popupFor(feature, typeLabels, linkLabel) {
  // DOM nodes, never HTML strings: names are user content.
  const box = document.createElement("div");
  box.className = "map-popup";
  const title = document.createElement("strong");
  title.textContent = feature.properties.name;
  const meta = document.createElement("p");
  const type = typeLabels[feature.properties.type] || feature.properties.type;
  meta.textContent = `${type} · ${countryName(feature.properties.country)}`;
  const link = document.createElement("a");
  link.href = `/organisations/${encodeURIComponent(feature.id)}/`;
  link.textContent = linkLabel;
  box.append(title, meta, link);
  return box;
}

// Natural Earth rings that cross the antimeridian would draw as bands across the whole map
// in Leaflet's flat projection: make longitudes continuous instead. Antarctica (id 010) is
// left out: it circles the pole and no organisation is there.
function unwrapRing(ring) {
  let offset = 0;
  let previous = ring[0][0];
  return ring.map(([lon, lat]) => {
    const step = lon + offset - previous;
    if (step > 180) offset -= 360;
    else if (step < -180) offset += 360;
    previous = lon + offset;
    return [previous, lat];
  });
}

function unwrapGeometry(geometry) {
  if (!geometry) return geometry;
  if (geometry.type === "Polygon") {
    return { ...geometry, coordinates: geometry.coordinates.map(unwrapRing) };
  }
  if (geometry.type === "MultiPolygon") {
    return { ...geometry, coordinates: geometry.coordinates.map((p) => p.map(unwrapRing)) };
  }
  return geometry;
}

async function drawBase(map) {
  const tileUrl = el.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 18 }).addTo(map);
    return;
  }
  const response = await fetch(el.dataset.worldUrl);
  if (!response.ok) throw new Error(`countries: ${response.status}`);
  const topology = await response.json();
  const countries = window.topojson.feature(topology, topology.objects.countries);
  countries.features = countries.features
    .filter((f) => f.id !== "010")
    .map((f) => ({ ...f, geometry: unwrapGeometry(f.geometry) }));
  L.geoJSON(countries, {
    renderer: L.canvas({ padding: 0.5 }),
    interactive: false,
    style: { color: "#7f8fa3", weight: 0.7, fillColor: "#ffffff", fillOpacity: 1 },
  }).addTo(map);
  map.attributionControl.addAttribution(el.dataset.attribution || "Natural Earth");
}

async function drawPoints(map) {
  const response = await fetch(el.dataset.pointsUrl, { headers: { Accept: "application/geo+json" } });
  if (!response.ok) throw new Error(`points: ${response.status}`);
  const data = await response.json();
  const typeLabels = JSON.parse(el.dataset.types || "{}");
  const linkLabel = el.dataset.profileLabel || gettext("Open the profile");
  const clusters = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
  const layer = L.geoJSON(data, {
    pointToLayer: (feature, latlng) =>
      L.marker(latlng, { title: feature.properties.name, alt: feature.properties.name, keyboard: true }),
    onEachFeature: (feature, marker) => {
      marker.bindPopup(() => popupFor(feature, typeLabels, linkLabel));
    },
  });
  clusters.addLayer(layer);
  map.addLayer(clusters);
  const n = data.features.length;
  say(n === 1 ? el.dataset.countOne : (el.dataset.countMany || "{n}").replace("{n}", String(n)));
  if (n > 0) {
    map.fitBounds(clusters.getBounds(), { padding: [24, 24], maxZoom: 9 });
  }
}

async function start() {
  if (!el || !L) return;
  say(statusEl?.dataset.loading || "");
  el.classList.add("map-ready");
  const map = L.map(el, { worldCopyJump: true, minZoom: 2, maxZoom: 14 }).setView([50, 10], 4);
  try {
    await Promise.all([drawBase(map), drawPoints(map)]);
  } catch (error) {
    say(el.dataset.error || String(error));
    console.error(error);
  }
}

start();
