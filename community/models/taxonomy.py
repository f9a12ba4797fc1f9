from django.db import models
from django.utils.translation import gettext_lazy as _


class Ecosystem(models.Model):
    """One of the 14 EU industrial ecosystems (loaded by migration, not edited by users)."""

    slug = models.SlugField(primary_key=True, max_length=60)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


ECOSYSTEMS: list[tuple[str, str]] = [
    ("aerospace-defence", "Aerospace & defence"),
    ("agri-food", "Agri-food"),
    ("construction", "Construction"),
    ("cultural-creative", "Cultural & creative industries"),
    ("digital", "Digital"),
    ("electronics", "Electronics"),
    ("energy-intensive", "Energy-intensive industries"),
    ("energy-renewables", "Energy-renewables"),
    ("health", "Health"),
    ("mobility-transport-automotive", "Mobility-transport-automotive"),
    ("proximity-social-economy", "Proximity, social economy & civil society"),
    ("retail", "Retail"),
    ("textiles", "Textiles"),
    ("tourism", "Tourism"),
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
