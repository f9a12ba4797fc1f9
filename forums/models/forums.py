from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from community.models import Partnership


class ForumKind(models.TextChoices):
    # Readable by the people of the partnership's organisations (and staff).
    PARTNERSHIP = "partnership", _("Partnership forum")
    # The Forum of Cluster Associations and Networks: members added by staff.
    FCAN = "fcan", _("Forum of Cluster Associations and Networks")
    # Anyone reads; posting needs an account.
    COMMUNITY = "community", _("Community forum")


# The names of the forums and groups ClusterHub creates (forums.services.forums, the demo):
# shown in the reader's language. Names staff give are content, shown as written.
STANDARD_NAMES = frozenset(
    {
        gettext_noop("General updates"),
        gettext_noop("Funding"),
        gettext_noop("Internationalisation"),
        gettext_noop("Digitalisation"),
        gettext_noop("Green economy"),
        gettext_noop("Forum of Cluster Associations and Networks"),
        gettext_noop("Open discussion"),
    }
)


class Named:
    name: str

    @property
    def label(self) -> str:
        """The name in the reader's language when it is a standard one (STANDARD_NAMES)."""
        return gettext(self.name) if self.name in STANDARD_NAMES else self.name


class Forum(Named, models.Model):
    kind = models.CharField(max_length=20, choices=ForumKind.choices)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True)
    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, null=True, blank=True, related_name="forum"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            # A partnership forum always belongs to a partnership, and only it does.
            models.CheckConstraint(
                condition=(models.Q(kind="partnership") & models.Q(partnership__isnull=False))
                | (~models.Q(kind="partnership") & models.Q(partnership__isnull=True)),
                name="forum_partnership_iff_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/forums/{self.slug}/"


class ForumMember(models.Model):
    """A member of a forum whose membership staff manage (the FCAN)."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_memberships"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["forum", "user"], name="forum_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.forum}"


class ForumGroup(Named, models.Model):
    """A group of topics inside a forum ("Funding", "Green economy")."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["forum_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["forum", "slug"], name="forum_group_slug_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.forum} / {self.name}"

    def get_absolute_url(self) -> str:
        return f"/forums/{self.forum.slug}/{self.slug}/"
