from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from community.models.languages import content_language_field
from community.models.moderation import Moderated
from community.models.organisations import Organisation
from community.models.taxonomy import Ecosystem


class NewsItem(Moderated):
    """News posted by staff (published at once) or by organisation members (moderated)."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.CharField(_("summary"), max_length=500)
    body = models.TextField(_("body"), blank=True)  # markdown subset (community.richtext)
    language = content_language_field()
    image = models.ImageField(_("image"), upload_to="news/%Y/%m/", blank=True)
    ecosystems = models.ManyToManyField(Ecosystem, related_name="news", blank=True)
    country = CountryField(_("country"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="news"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="news"
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("news item")
        verbose_name_plural = _("news")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/news/{self.slug}/"
