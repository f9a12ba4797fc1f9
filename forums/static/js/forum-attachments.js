// How a post's files are shown when a post arrives live (forum-topic.js), the same markup as
// the server's forums/_attachments.html: an image as a thumbnail with its file name as alt
// text and its size in pixels, linking to the full image; any other file as a download link
// with its name and size. Every URL is the gated download: readers of the post only.

const gettext = window.gettext || ((text) => text);
const interpolate = window.interpolate
  || ((text, params) => text.replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? "")));

export function fileSize(bytes) {
  const lang = document.documentElement.lang || undefined;
  const [value, unit] = bytes >= 1024 * 1024 ? [bytes / 1024 / 1024, "megabyte"]
    : bytes >= 1024 ? [bytes / 1024, "kilobyte"] : [bytes, "byte"];
  return new Intl.NumberFormat(lang, { style: "unit", unit, maximumFractionDigits: 1 }).format(value);
}

export function renderAttachments(files) {
  const list = document.createElement("ul");
  list.className = "post-attachments";
  for (const file of files || []) {
    const item = document.createElement("li");
    const meta = document.createElement("span");
    meta.className = "meta";
    if (file.image) {
      const link = document.createElement("a");
      link.href = file.url;
      link.className = "attachment-image";
      const img = document.createElement("img");
      img.src = file.thumbnail_url;
      img.alt = file.name;
      img.width = file.thumbnail_width;
      img.height = file.thumbnail_height;
      img.loading = "lazy";
      link.append(img);
      meta.textContent = `${file.name} · ${interpolate(gettext("%(w)s × %(h)s pixels"), { w: file.width, h: file.height }, true)}`;
      item.append(link, " ", meta);
    } else {
      const link = document.createElement("a");
      link.href = file.url;
      link.className = "attachment-file";
      link.download = "";
      link.textContent = file.name;
      meta.textContent = fileSize(file.size);
      item.append(link, " ", meta);
    }
    list.append(item);
  }
  return list;
}
