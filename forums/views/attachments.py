"""Forum attachments on the pages: the gated download of a file or an image's thumbnail,
and the files that come with the reply, new-topic and edit forms.

Files reach a reader only through these views (they are kept outside MEDIA_ROOT):
`attachment_get_for` decides, at every request. An image (re-encoded by the server when it
was uploaded) is shown inline; every other file is a download (Content-Disposition:
attachment). Both are sent with `X-Content-Type-Options: nosniff` and a sandboxing
Content-Security-Policy, so no file can run as a page of the site.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.urls import path
from django.views.decorators.http import require_GET
from rest_framework.exceptions import AuthenticationFailed

from community.api.authentication import ApiTokenAuthentication
from forums.models import ForumGroup, PostAttachment
from forums.selectors.attachments import attachment_get_for
from forums.services.attachments import attachment_upload


def _file_response(file: Any, *, inline: bool, name: str, content_type: str) -> FileResponse:
    response = FileResponse(
        file.open("rb"), as_attachment=not inline, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


def _reader(request: HttpRequest) -> Any:
    """The person asking: the session's, or an API client's (`Authorization: Bearer`), so
    the `url` of an attachment in an API answer works for the client that got it."""
    try:
        found = ApiTokenAuthentication().authenticate(request)  # type: ignore[arg-type]
    except AuthenticationFailed:
        raise Http404("No such file.") from None
    return found[0] if found else request.user


@require_GET
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = attachment_get_for(_reader(request), attachment_id)
    return _file_response(
        attachment.file,
        inline=attachment.is_image,
        name=attachment.name,
        content_type=attachment.content_type,
    )


@require_GET
def attachment_thumbnail(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = attachment_get_for(_reader(request), attachment_id)
    if not attachment.thumbnail:
        raise Http404("No thumbnail.")
    extension = attachment.thumbnail.name.rsplit(".", 1)[-1]
    content_type = {"jpg": "image/jpeg"}.get(extension, f"image/{extension}")
    return _file_response(
        attachment.thumbnail, inline=True, name=attachment.name, content_type=content_type
    )


def form_attachments(request: HttpRequest, group: ForumGroup, form: Any) -> list[int] | None:
    """The attachment ids a post form sends: the files chosen in its file input (uploaded
    now) and the ids of files uploaded before (by the page's script, or kept from an earlier
    try). Upload errors go to the form (non-field errors); None then. The ids are also kept
    as `form.attachment_ids`, so the form shows them again if it comes back."""
    ids = [int(v) for v in request.POST.getlist("attachments") if v.isdigit() and len(v) < 19]
    failed = False
    for upload in request.FILES.getlist("files"):
        try:
            ids.append(attachment_upload(user=request.user, group=group, file=upload).pk)  # type: ignore[arg-type]
        except ValidationError as error:
            failed = True
            for message in error.messages:
                form.add_error(None, f"{upload.name}: {message}")
    form.attachment_ids = ids
    return None if failed else ids


def pending_for(request: HttpRequest, ids: list[int]) -> QuerySet[PostAttachment]:
    """The person's own uploads among `ids` that no post holds: shown ticked in the form
    again when it comes back with an error, so nothing uploaded is lost."""
    if not request.user.is_authenticated:
        return PostAttachment.objects.none()
    return PostAttachment.objects.filter(uploader=request.user, post__isnull=True, pk__in=ids)


urlpatterns = [
    path("attachments/<int:attachment_id>/", attachment_download, name="forums-attachment"),
    path(
        "attachments/<int:attachment_id>/thumbnail/",
        attachment_thumbnail,
        name="forums-attachment-thumbnail",
    ),
]
