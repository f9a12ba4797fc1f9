from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _


class Ecosystem(models.Model):
    """One of the 14 EU industrial ecosystems (loaded by migration, not edited by users)."""

    slug = models.SlugField(primary_key=True, max_length=60)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language (names are msgids, marked in ECOSYSTEMS)."""
        return gettext(self.name)


# The English names are the msgids of their translations (gettext_noop returns them unchanged).
ECOSYSTEMS: list[tuple[str, str]] = [
    ("aerospace-defence", gettext_noop("Aerospace & defence")),
    ("agri-food", gettext_noop("Agri-food")),
    ("construction", gettext_noop("Construction")),
    ("cultural-creative", gettext_noop("Cultural & creative industries")),
    ("digital", gettext_noop("Digital")),
    ("electronics", gettext_noop("Electronics")),
    ("energy-intensive", gettext_noop("Energy-intensive industries")),
    ("energy-renewables", gettext_noop("Energy-renewables")),
    ("health", gettext_noop("Health")),
    ("mobility-transport-automotive", gettext_noop("Mobility-transport-automotive")),
    ("proximity-social-economy", gettext_noop("Proximity, social economy & civil society")),
    ("retail", gettext_noop("Retail")),
    ("textiles", gettext_noop("Textiles")),
    ("tourism", gettext_noop("Tourism")),
]


class TagKind(models.TextChoices):
    SECTOR = "sector", _("Sector")
    TECHNOLOGY = "technology", _("Technology")


class Tag(models.Model):
    """A free tag for sectors and technologies, shared by all organisations."""

    kind = models.CharField(max_length=20, choices=TagKind.choices)
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=90)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="tag_kind_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name
