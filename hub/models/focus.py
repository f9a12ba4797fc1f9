"""In focus: staff-edited pages on the Commission's policy areas (green and digital
transition, social economy, resilience) and on each industrial ecosystem.

A page gathers what is tagged with it: the items whose ecosystems meet the page's
`ecosystems`, and the organisations that also carry one of its sector or technology `tags`
(hub.selectors.focus; docs/decisions.md, "In focus"). Nothing is tagged with the page
itself, so everything already tagged with an ecosystem shows up without anyone retagging it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Ecosystem, Tag
from community.models.languages import content_language_field


class FocusKind(models.TextChoices):
    POLICY = "policy", _("Policy area")
    ECOSYSTEM = "ecosystem", _("Industrial ecosystem")


class FocusPage(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=FocusKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    intro = models.TextField(_("introduction"), blank=True)  # markdown subset
    language = content_language_field()
    ecosystems = models.ManyToManyField(
        Ecosystem, related_name="focus_pages", blank=True, verbose_name=_("ecosystems")
    )
    tags = models.ManyToManyField(
        Tag, related_name="focus_pages", blank=True, verbose_name=_("tags")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    published = models.BooleanField(_("published"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "position", "title"]
        verbose_name = _("in-focus page")
        verbose_name_plural = _("in-focus pages")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/focus/{self.slug}/"
