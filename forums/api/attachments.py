"""REST API of forum attachments and mention suggestions, mounted with forums/api/forums.py at
/api/v1/forums/.

- `POST attachments/` multipart `{group, file}`: upload a file for a post you are writing in
  that group's forum (201); send its id in `attachments` when creating or editing the post.
- `DELETE attachments/{attachment_id}/`: remove your upload that no post holds yet (204).
- `GET groups/{group_id}/mentions/?q=`: people who can read the group's forum, for the @
  picker.

The download itself is a page URL (forums/views/attachments.py), given as `url` in each
attachment: readers of the post only.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from forums import events
from forums.selectors import forums as selectors
from forums.selectors.attachments import attachment_get_for
from forums.selectors.mentions import MAX_SUGGESTIONS, mention_candidates
from forums.serializers.attachments import (
    MentionSuggestionsSerializer,
    PostAttachmentSerializer,
    PostAttachmentUploadSerializer,
)
from forums.services import attachments as services


class AttachmentUpload(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": PostAttachmentUploadSerializer},
        responses={
            201: PostAttachmentSerializer,
            400: OpenApiResponse(description="Too large, empty, or a type not allowed."),
            404: OpenApiResponse(description="A group you may not read."),
        },
    )
    def post(self, request: Request) -> Response:
        """Upload a file for a post you are writing; only you see it until a post sends it."""
        serializer = PostAttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = selectors.group_get_by_id_for(request.user, serializer.validated_data["group"])
        attachment = services.attachment_upload(
            user=request.user,  # type: ignore[arg-type]
            group=group,
            file=serializer.validated_data["file"],
        )
        return Response(events.attachment_payload(attachment), status=status.HTTP_201_CREATED)


class AttachmentDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, 400: None, 404: None})
    def delete(self, request: Request, attachment_id: int) -> Response:
        """Remove your upload that no post holds yet (edit the post to remove a posted file)."""
        attachment = attachment_get_for(request.user, attachment_id)
        services.attachment_discard(user=request.user, attachment=attachment)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class MentionSuggestions(APIView):
    permission_classes = [IsAuthenticated]
    # The same budget as the people picker: plenty for typing, too few to walk the alphabet.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "people_search"

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True, description="1 to 100 characters.")],
        responses={
            200: MentionSuggestionsSerializer,
            400: OpenApiResponse(description="`q` empty or longer than 100 characters."),
            404: OpenApiResponse(description="A group you may not post in."),
            429: OpenApiResponse(description="More than 60 searches a minute."),
        },
        summary="Suggest people to mention",
        description="People who can read the group's forum and whose name contains every "
        "word of `q`, by name, at most 10, never the caller. Only they can be mentioned: "
        "write `mention` (`@[Full Name]`) in the post.",
    )
    def get(self, request: Request, group_id: int) -> Response:
        group = selectors.group_get_by_id_for(request.user, group_id)
        if not selectors.forum_can_post(request.user, group.forum):
            raise ValidationError({"group": [_("You cannot post in this forum.")]})
        q = " ".join(request.query_params.get("q", "").split())
        if not q or len(q) > 100:
            raise ValidationError({"q": [_("Type 1 to 100 characters of a name.")]})
        people = list(mention_candidates(request.user, group.forum, q)[: MAX_SUGGESTIONS + 1])
        rows: list[dict[str, Any]] = [
            {"id": p.pk, "name": p.full_name, "mention": f"@[{p.full_name}]"}
            for p in people[:MAX_SUGGESTIONS]
        ]
        return Response({"results": rows, "more": len(people) > MAX_SUGGESTIONS})


urlpatterns = [
    path("attachments/", AttachmentUpload.as_view(), name="api-forum-attachments"),
    path(
        "attachments/<int:attachment_id>/",
        AttachmentDetail.as_view(),
        name="api-forum-attachment",
    ),
    path(
        "groups/<int:group_id>/mentions/",
        MentionSuggestions.as_view(),
        name="api-forum-group-mentions",
    ),
]
