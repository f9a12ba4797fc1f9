// The location of an organisation on its profile form: a pin on a map, or a city found by name.
//
// Without this script the pin follows the city field (the server looks the city up,
// community/places.py). Here a Leaflet map (country outlines from our own static files, no
// tile server) shows the pin: a click or a drag moves it, Enter pins the map's centre (keyboard),
// and a search box finds cities (GET /api/v1/places/) and pins the chosen one. The hidden
// latitude and longitude fields carry the pin.

const box = document.getElementById("location-picker");
const lat = document.querySelector("input[name=latitude]");
const lon = document.querySelector("input[name=longitude]");
const L = window.L;
if (box && lat && lon && L) start(box.dataset);

function unwrapRing(ring) {
  let offset = 0;
  let previous = ring[0][0];
  return ring.map(([x, y]) => {
    const step = x + offset - previous;
    if (step > 180) offset -= 360;
    else if (step < -180) offset += 360;
    previous = x + offset;
    return [previous, y];
  });
}

function unwrap(geometry) {
  if (geometry?.type === "Polygon") return { ...geometry, coordinates: geometry.coordinates.map(unwrapRing) };
  if (geometry?.type === "MultiPolygon") {
    return { ...geometry, coordinates: geometry.coordinates.map((p) => p.map(unwrapRing)) };
  }
  return geometry;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

async function start(T) {
  box.hidden = false;
  const searchId = "location-search";
  const input = el("input", { type: "search", id: searchId, autocomplete: "off" });
  const button = el("button", { type: "button", className: "button", textContent: T.searchButton });
  const results = el("ul", { className: "location-results", id: "location-results" });
  results.setAttribute("aria-label", T.resultsLabel);
  const status = el("p", { className: "location-status", id: "location-status" });
  status.setAttribute("role", "status");
  const help = el("p", { className: "helptext", id: "location-help", textContent: T.help });
  const mapEl = el("div", { className: "location-map", id: "location-map", tabIndex: 0 });
  mapEl.setAttribute("role", "application");
  mapEl.setAttribute("aria-label", T.mapLabel);
  mapEl.setAttribute("aria-describedby", "location-help location-status");
  box.append(
    el("label", { htmlFor: searchId, textContent: T.searchLabel }),
    el("div", { className: "location-search" }, input, button),
    results,
    help,
    mapEl,
    status,
  );

  const map = L.map(mapEl, { worldCopyJump: true, minZoom: 2, maxZoom: 14, keyboard: true });
  let marker = null;
  const country = () => document.querySelector("select[name=country]")?.value || "";

  function say() {
    status.textContent = marker
      ? T.pinned.replace("%(lat)s", lat.value).replace("%(lon)s", lon.value)
      : T.noPin;
  }

  function pin(latlng, { pan = false } = {}) {
    const wrapped = L.latLng(latlng).wrap();
    lat.value = wrapped.lat.toFixed(5);
    lon.value = wrapped.lng.toFixed(5);
    if (!marker) {
      marker = L.marker(wrapped, { draggable: true, keyboard: false, alt: T.mapLabel }).addTo(map);
      marker.on("dragend", () => pin(marker.getLatLng()));
    } else {
      marker.setLatLng(wrapped);
    }
    if (pan) map.setView(wrapped, Math.max(map.getZoom(), 9), { animate: false });
    say();
  }

  if (lat.value && lon.value) {
    map.setView([Number(lat.value), Number(lon.value)], 8);
    pin([Number(lat.value), Number(lon.value)]);
  } else {
    map.setView([50, 10], 4);
    say();
  }
  map.on("click", (event) => pin(event.latlng));
  mapEl.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target === mapEl) {
      event.preventDefault();
      pin(map.getCenter());
    }
  });

  async function search() {
    results.replaceChildren();
    const q = input.value.trim();
    if (q.length < 2) return;
    const url = `${T.placesUrl}?${new URLSearchParams({ q, country: country() })}`;
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const places = response.ok ? await response.json() : [];
    if (!places.length) {
      status.textContent = T.none;
      return;
    }
    for (const place of places) {
      const choose = el("button", { type: "button", className: "link-button", textContent: `${place.name} (${place.country})` });
      choose.addEventListener("click", () => {
        pin([place.latitude, place.longitude], { pan: true });
        const city = document.querySelector("input[name=city]");
        if (city && !city.value.trim()) city.value = place.name;
        results.replaceChildren();
        mapEl.focus();
      });
      results.append(el("li", {}, choose));
    }
    results.querySelector("button")?.focus();
  }
  button.addEventListener("click", search);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      search();
    }
  });

  try {
    const response = await fetch(T.worldUrl);
    const topology = await response.json();
    const countries = window.topojson.feature(topology, topology.objects.countries);
    countries.features = countries.features
      .filter((f) => f.id !== "010")
      .map((f) => ({ ...f, geometry: unwrap(f.geometry) }));
    L.geoJSON(countries, {
      renderer: L.canvas({ padding: 0.5 }),
      interactive: false,
      style: { color: "#7f8fa3", weight: 0.7, fillColor: "#ffffff", fillOpacity: 1 },
    }).addTo(map);
    map.attributionControl.addAttribution("Natural Earth · GeoNames");
  } catch (error) {
    console.error(error);
  }
}
