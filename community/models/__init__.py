"""Community models: people, organisations, partnerships, news and the taxonomy."""

from community.models.accounts import ApiToken, User
from community.models.ids import MAX_OBJECT_ID, object_id
from community.models.languages import CONTENT_LANGUAGES, OTHER_LANGUAGE, content_language_field
from community.models.moderation import ModerationDecision, ModerationLogEntry, ModerationStatus
from community.models.news import NewsItem
from community.models.organisations import (
    ExcellenceLabel,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    OrganisationRole,
    OrganisationType,
)
from community.models.pages import SitePage, SitePageSlug
from community.models.partnerships import Partnership, PartnershipKind, PartnershipMembership
from community.models.taxonomy import Ecosystem, Tag, TagKind

__all__ = [
    "CONTENT_LANGUAGES",
    "MAX_OBJECT_ID",
    "OTHER_LANGUAGE",
    "ApiToken",
    "Ecosystem",
    "ExcellenceLabel",
    "ModerationDecision",
    "ModerationLogEntry",
    "ModerationStatus",
    "NewsItem",
    "Organisation",
    "OrganisationInvitation",
    "OrganisationMembership",
    "OrganisationRole",
    "OrganisationType",
    "Partnership",
    "PartnershipKind",
    "PartnershipMembership",
    "SitePage",
    "SitePageSlug",
    "Tag",
    "TagKind",
    "User",
    "content_language_field",
    "object_id",
]
