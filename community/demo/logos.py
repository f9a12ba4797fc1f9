"""Generated logos for demo organisations: a monogram on a colour and a shape of its own.

Everything derives from the organisation's name (a hash picks the hue, the shape and the
layout), so a logo is the same on every run and two organisations rarely share one. The
image is stored through `community.images.image_clean`, the path every upload takes.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import math

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from community.images import image_clean

SIZE = 192  # shown at up to 96 CSS pixels: sharp on a 2x screen
SHAPES = ("circle", "square", "diamond", "hexagon", "bars", "arc")


def _rgb(hue: float, lightness: float, saturation: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return round(r * 255), round(g * 255), round(b * 255)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's own scalable font: the same glyphs on every machine, no system font needed.
    return ImageFont.load_default(size=size)


def logo_png(name: str, monogram: str) -> bytes:
    """A square PNG of SIZE pixels: `monogram` (one to three letters) in white on a shape
    over a colour."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    hue = digest[0] / 256
    # Dark, muted colours: white letters keep a contrast of at least 4.5:1 on any of them.
    background = _rgb(hue, 0.26 + digest[1] / 256 * 0.08, 0.40 + digest[2] / 256 * 0.25)
    accent = _rgb(hue + 0.08 * (1 if digest[3] % 2 else -1), 0.40, 0.45)
    shape = SHAPES[digest[4] % len(SHAPES)]

    image = Image.new("RGB", (SIZE, SIZE), background)
    draw = ImageDraw.Draw(image)
    c, r = SIZE / 2, SIZE * 0.36
    if shape == "circle":
        draw.ellipse((c - r, c - r, c + r, c + r), fill=accent)
    elif shape == "square":
        draw.rounded_rectangle((c - r, c - r, c + r, c + r), radius=int(r / 3), fill=accent)
    elif shape == "diamond":
        draw.polygon([(c, c - r * 1.2), (c + r * 1.2, c), (c, c + r * 1.2), (c - r * 1.2, c)],
                     fill=accent)  # fmt: skip
    elif shape == "hexagon":
        draw.regular_polygon((c, c, r * 1.1), 6, fill=accent)
    elif shape == "bars":
        for k in range(3):
            top = SIZE * (0.22 + 0.2 * k)
            draw.rounded_rectangle((SIZE * 0.16, top, SIZE * 0.84, top + SIZE * 0.12),
                                   radius=SIZE // 20, fill=accent)  # fmt: skip
    else:
        draw.arc((SIZE * 0.12, SIZE * 0.12, SIZE * 0.88, SIZE * 0.88), 200, 520,
                 fill=accent, width=int(SIZE * 0.09))  # fmt: skip

    letters = monogram[:3] or "?"
    font = _font(round(SIZE * {1: 0.47, 2: 0.39, 3: 0.3}[len(letters)]))
    box = draw.textbbox((0, 0), letters, font=font)
    width, height = box[2] - box[0], box[3] - box[1]
    draw.text(
        ((SIZE - width) / 2 - box[0], (SIZE - height) / 2 - box[1]),
        letters,
        font=font,
        fill=(255, 255, 255),
        stroke_width=max(1, math.floor(len(letters) / 2)),
        stroke_fill=background,
    )
    buffer = io.BytesIO()
    # A few colours and their anti-aliased edges: a palette image is a quarter of the size
    # and quick to re-encode.
    image.quantize(colors=48).save(buffer, format="PNG")
    return buffer.getvalue()


def logo_file(name: str, monogram: str) -> ContentFile[bytes]:
    """The logo as the clean file an upload would become (server-chosen name, re-encoded)."""
    return image_clean(ContentFile(logo_png(name, monogram), name="logo.png"))
