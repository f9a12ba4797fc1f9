"""Loads the 14 EU industrial ecosystems; they are reference data, not user content."""

from django.db import migrations

from community.models.taxonomy import ECOSYSTEMS


def load(apps, schema_editor):
    Ecosystem = apps.get_model("community", "Ecosystem")
    for position, (slug, name) in enumerate(ECOSYSTEMS):
        Ecosystem.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


def unload(apps, schema_editor):
    apps.get_model("community", "Ecosystem").objects.filter(
        slug__in=[slug for slug, _ in ECOSYSTEMS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
