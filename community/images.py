"""Uploaded images (profile photos, logos, news images): validation and the clean copy we store.

Every image path (page form, REST API, admin) ends in `image_clean`, called by the services
that save the file: what reaches MEDIA_ROOT is an image Pillow encoded itself, under a name
the server chose. docs/decisions.md says why.
"""

from __future__ import annotations

import io
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
IMAGE_ACCEPT = "image/png,image/jpeg,image/gif,image/webp"  # the file inputs' accept=
# The format each detected format is stored in, its extension, and the encoder options.
# GIF stays GIF (first frame only); JPEG and WebP are re-encoded at a quality that keeps
# photos sharp. config/media.py serves exactly these extensions.
STORED_AS: dict[str, tuple[str, str, dict[str, object]]] = {
    "PNG": ("PNG", "png", {"optimize": True}),
    "JPEG": ("JPEG", "jpg", {"quality": 90}),
    "GIF": ("GIF", "gif", {}),
    "WEBP": ("WEBP", "webp", {"quality": 90}),
}
# The only metadata carried over: without it a transparent palette image turns opaque.
KEPT_INFO = ("transparency",)
UNREADABLE = (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError)
# A cropped image (a logo cut to the square it is shown in) is stored at most this wide.
CROPPED_MAX_SIDE = 512
# A crop area: left, top, width, height as fractions of the upright image.
Crop = tuple[float, float, float, float]


def parse_crop(value: str | None) -> Crop | None:
    """The crop area posted with an image ("x,y,w,h", fractions from 0 to 1), or None when
    none was chosen. Raises ValidationError for anything else."""
    if not value or not value.strip():
        return None
    try:
        x, y, w, h = (float(part) for part in value.split(","))
    except ValueError as exc:
        raise _bad_crop() from exc
    slack = 1e-6
    if not all(0 <= v <= 1 + slack for v in (x, y, w, h)) or w <= 0 or h <= 0:
        raise _bad_crop()
    if x + w > 1 + slack or y + h > 1 + slack:
        raise _bad_crop()
    return (x, y, w, h)


def _bad_crop() -> ValidationError:
    return ValidationError(
        _("The chosen part of the image is not valid; choose it again."), code="invalid_crop"
    )


def _unreadable() -> ValidationError:
    return ValidationError(
        _("This file is not an image we can read (use PNG, JPEG, GIF or WebP)."),
        code="invalid_image",
    )


def validate_image(upload: File, *, max_bytes: int | None = None) -> None:
    """Raise ValidationError unless `upload` is a real PNG/JPEG/GIF/WebP within the limits.

    Checks the size in bytes before reading, then the decoded format and pixel count, so a
    renamed executable, a truncated file or a decompression bomb is refused with a message.
    """
    max_bytes = max_bytes or settings.MAX_IMAGE_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("The image is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1_048_576, 1), "limit": round(max_bytes / 1_048_576, 1)},
            code="too_large",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except UNREADABLE as exc:
        raise _unreadable() from exc
    finally:
        upload.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("Images must be PNG, JPEG, GIF or WebP."), code="invalid_image_format"
        )
    if width * height > settings.MAX_IMAGE_PIXELS:
        raise ValidationError(
            _("The image is %(w)s by %(h)s pixels; the limit is 16 megapixels.")
            % {"w": width, "h": height},
            code="too_many_pixels",
        )


def image_clean(
    upload: File,
    *,
    field: str | None = None,
    crop: Crop | None = None,
    max_bytes: int | None = None,
) -> ContentFile[bytes]:
    """The image in `upload`, re-encoded by Pillow, as a file named `<random hex>.<ext>`.

    Validates first (validate_image): raises its ValidationError, keyed by `field` if given.
    The stored bytes are pixels Pillow encoded, so whatever else the upload carried goes: a
    script hidden in a GIF comment or after its trailer, EXIF (GPS position, camera), ICC
    profiles, text chunks.
    A JPEG's EXIF orientation is applied to the pixels before it is dropped. An animated
    GIF or WebP keeps its first frame. The extension is that of the detected format; the
    uploaded name plays no part. With `crop` (parse_crop) only that part of the upright image
    is kept, at most CROPPED_MAX_SIDE pixels wide and high. `max_bytes` overrides the
    site's MAX_IMAGE_BYTES (forum attachments take larger photos).
    """
    try:
        return _reencode(upload, crop, max_bytes)
    except ValidationError as exc:
        if field is None:
            raise
        raise ValidationError({field: exc.messages}) from exc


def _reencode(
    upload: File, crop: Crop | None = None, max_bytes: int | None = None
) -> ContentFile[bytes]:
    validate_image(upload, max_bytes=max_bytes)
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        with Image.open(upload) as image:
            image_format = image.format or ""
            image.seek(0)
            kept: dict[str | tuple[int, int], Any] = {
                key: image.info[key] for key in KEPT_INFO if key in image.info
            }
            clean = ImageOps.exif_transpose(image)  # a copy, upright, with the pixels loaded
    except UNREADABLE as exc:
        raise _unreadable() from exc
    finally:
        upload.seek(position)
    if crop is not None:
        clean = _cropped(clean, crop)
    clean.info = kept
    stored_format, extension, options = STORED_AS[image_format]
    buffer = io.BytesIO()
    clean.save(buffer, format=stored_format, **options)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


def _cropped(image: Image.Image, crop: Crop) -> Image.Image:
    width, height = image.size
    x, y, w, h = crop
    left = min(max(round(x * width), 0), width - 1)
    top = min(max(round(y * height), 0), height - 1)
    right = min(max(round((x + w) * width), left + 1), width)
    bottom = min(max(round((y + h) * height), top + 1), height)
    part = image.crop((left, top, right, bottom))
    part.thumbnail((CROPPED_MAX_SIDE, CROPPED_MAX_SIDE))
    return part
