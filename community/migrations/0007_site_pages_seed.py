"""Seed the site's own pages in the five languages from community/site_pages/<lang>/<slug>.md
(first line `# Title`, then markdown). Staff edit them afterwards in the admin; a page that
already exists is left as it is."""

from pathlib import Path

from django.db import migrations

SOURCE = Path(__file__).resolve().parent.parent / "site_pages"


def seed(apps, schema_editor):
    SitePage = apps.get_model("community", "SitePage")
    for path in sorted(SOURCE.glob("*/*.md")):
        title, _newline, body = path.read_text(encoding="utf-8").partition("\n")
        SitePage.objects.get_or_create(
            slug=path.stem,
            language=path.parent.name,
            defaults={"title": title.removeprefix("# ").strip(), "body": body.strip() + "\n"},
        )


def unseed(apps, schema_editor):
    apps.get_model("community", "SitePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("community", "0006_site_pages")]

    operations = [migrations.RunPython(seed, unseed)]
