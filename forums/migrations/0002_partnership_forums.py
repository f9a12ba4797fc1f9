"""Every partnership that exists before the forums app gets its forum and standard groups
(new ones get theirs from forums.receivers)."""

from django.db import migrations
from django.utils.text import slugify

GROUPS = ["General updates", "Funding", "Internationalisation"]


def open_forums(apps, schema_editor):
    Partnership = apps.get_model("community", "Partnership")
    Forum = apps.get_model("forums", "Forum")
    ForumGroup = apps.get_model("forums", "ForumGroup")
    taken = set(Forum.objects.values_list("slug", flat=True))
    for partnership in Partnership.objects.filter(forum__isnull=True).order_by("pk"):
        name = partnership.acronym or partnership.name
        base = slugify(name)[:200] or "forum"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        forum = Forum.objects.create(
            kind="partnership", name=name, slug=slug, partnership=partnership
        )
        for position, group in enumerate(GROUPS):
            ForumGroup.objects.create(
                forum=forum, name=group, slug=slugify(group), position=position
            )


def close_forums(apps, schema_editor):
    apps.get_model("forums", "Forum").objects.filter(kind="partnership").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0001_initial"),
        ("community", "0010_search_document_language"),
    ]

    operations = [migrations.RunPython(open_forums, close_forums)]
