from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SitePageSlug(models.TextChoices):
    PRIVACY = "privacy", _("Privacy policy")
    LEGAL = "legal-notice", _("Legal notice")
    TERMS = "terms", _("Terms of use")
    CONTACT = "contact", _("Contact")
    HELP = "help", _("Help")


class SitePage(models.Model):
    """A page of the site's own text (privacy policy, legal notice, terms, contact, help),
    one row per language, written in markdown by staff in the admin. A language without its
    own version shows the English one (community.selectors.pages)."""

    slug = models.CharField(_("page"), max_length=40, choices=SitePageSlug.choices)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"), help_text=_("Markdown: ## headings, **bold**, lists, links.")
    )
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        ordering = ["slug", "language"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="site_page_one_per_language")
        ]
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    def get_absolute_url(self) -> str:
        return f"/{self.slug}/"
