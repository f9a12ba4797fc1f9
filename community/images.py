"""Validation of uploaded images (profile photos, logos, news images)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def validate_image(upload: UploadedFile) -> None:
    """Raise ValidationError unless `upload` is a real PNG/JPEG/GIF/WebP within the limits.

    Checks the size in bytes before reading, then the decoded format and pixel count, so a
    renamed executable, a truncated file or a decompression bomb is refused with a message.
    """
    max_bytes = settings.MAX_IMAGE_BYTES
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
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationError(
            _("This file is not an image we can read (use PNG, JPEG, GIF or WebP)."),
            code="invalid_image",
        ) from exc
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
