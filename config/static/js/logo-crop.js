// Choosing the square part of a new logo that the profile shows (community/forms/organisations.py).
//
// Without this script the whole uploaded image is kept. Here, once a file is chosen, a square
// preview appears with three labelled sliders (zoom, horizontal and vertical position), usable
// with the keyboard; the chosen part goes to the hidden field logo_crop as "x,y,w,h" fractions
// of the image and the server cuts it out (community.images.image_clean), so the preview is
// what will be stored.

const config = document.getElementById("logo-crop-config");
const input = document.querySelector("input[type=file][name=logo]");
const hidden = document.querySelector("input[name=logo_crop]");
if (config && input && hidden) init(config.dataset, input, hidden);

function slider(id, label, min, max, value) {
  const wrap = document.createElement("div");
  wrap.className = "logo-crop-control";
  const text = document.createElement("label");
  text.htmlFor = id;
  text.textContent = label;
  const range = document.createElement("input");
  Object.assign(range, { type: "range", id, min: String(min), max: String(max), value: String(value) });
  wrap.append(text, range);
  return { wrap, range };
}

function init(T, input, hidden) {
  const FRAME = 160;
  const box = document.createElement("div");
  box.className = "logo-crop";
  box.setAttribute("role", "group");
  box.hidden = true;
  const title = document.createElement("p");
  title.id = `${input.id}-crop-title`;
  title.className = "logo-crop-title";
  title.textContent = T.title;
  box.setAttribute("aria-labelledby", title.id);
  const frame = document.createElement("div");
  frame.className = "logo-crop-frame";
  const img = document.createElement("img");
  img.alt = T.preview;
  frame.append(img);
  const zoom = slider(`${input.id}-zoom`, T.zoom, 100, 400, 100);
  const x = slider(`${input.id}-x`, T.x, 0, 100, 50);
  const y = slider(`${input.id}-y`, T.y, 0, 100, 50);
  const controls = document.createElement("div");
  controls.className = "logo-crop-controls";
  controls.append(zoom.wrap, x.wrap, y.wrap);
  box.append(title, frame, controls);
  // Added once a file is chosen: until then the field is only the file input.
  let url = null;

  function update() {
    const W = img.naturalWidth;
    const H = img.naturalHeight;
    if (!W || !H) return;
    const side = Math.min(W, H) / (Number(zoom.range.value) / 100);
    const left = (Number(x.range.value) / 100) * (W - side);
    const top = (Number(y.range.value) / 100) * (H - side);
    const k = FRAME / side;
    Object.assign(img.style, {
      width: `${W * k}px`, height: `${H * k}px`, left: `${-left * k}px`, top: `${-top * k}px`,
    });
    const f = (v) => (Math.floor(v * 1e6) / 1e6).toFixed(6);
    hidden.value = [f(left / W), f(top / H), f(side / W), f(side / H)].join(",");
  }

  for (const control of [zoom, x, y]) control.range.addEventListener("input", update);
  img.addEventListener("load", update);
  input.addEventListener("change", () => {
    if (url) URL.revokeObjectURL(url);
    const file = input.files && input.files[0];
    hidden.value = "";
    if (!file || !file.type.startsWith("image/")) {
      box.hidden = true;
      return;
    }
    url = URL.createObjectURL(file);
    zoom.range.value = "100";
    x.range.value = "50";
    y.range.value = "50";
    img.src = url;
    if (!box.isConnected) input.closest(".org-logo-input, .field")?.append(box);
    box.hidden = false;
  });
}
