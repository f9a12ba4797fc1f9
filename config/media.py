"""Serving user uploads (MEDIA_ROOT) from Django, where no proxy does it (`make run`).

Only images, and only as images: a file whose extension is not one of the image types we
store answers 404, whatever it contains; the type comes from the extension, never from the
content; and every answer carries nosniff, an inline Content-Disposition and a sandboxing
CSP, so even a file that is also HTML or script cannot act as a page or a script of the
site. deploy/nginx.conf does the same in production. Mounted when SERVE_MEDIA is on.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils.http import content_disposition_header
from django.views import static
from django.views.decorators.http import require_safe

from community.images import STORED_AS

# The extensions community.images stores, and ".jpeg" for files stored before it chose names.
MEDIA_TYPES = {
    f".{extension}": f"image/{stored_format.lower()}"
    for stored_format, extension, _ in STORED_AS.values()
} | {".jpeg": "image/jpeg"}
# A response from /media/ is never a document: no scripts, no plugins, no forms, no origin.
MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@require_safe
def media_serve(request: HttpRequest, path: str) -> HttpResponseBase:
    """The file at `path` under MEDIA_ROOT if it is one of MEDIA_TYPES; 404 otherwise.

    django.views.static.serve resolves the path (no `..` out of MEDIA_ROOT, no directory
    listing, If-Modified-Since); this view picks the type and adds the headers.
    """
    name = PurePosixPath(path).name
    content_type = MEDIA_TYPES.get(PurePosixPath(name).suffix.lower())
    if content_type is None:
        raise Http404
    try:
        response = static.serve(request, path, document_root=str(settings.MEDIA_ROOT))
    except SuspiciousFileOperation as exc:  # a path out of MEDIA_ROOT: as if it did not exist
        raise Http404 from exc
    response["Content-Type"] = content_type
    # Never None here: a file name is always given.
    response["Content-Disposition"] = str(content_disposition_header(False, name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    return response
