"""Interest conversations between two people become one-to-ones.

Expressing interest used to open every conversation as a group titled as the listing, even
when one person answers: such a conversation had no Block button and a block did not stop
messages in it. An interest conversation is recognised by what the old code stored: a
group about a listing, titled exactly as the listing, with exactly two participants (the
creator and one other; someone who left still counts, as in a one-to-one). Those rows lose
the title and the creator's admin flag and become one-to-ones, as new interests are stored.
A two-person group somebody renamed stays a group: it was made or used as a group.

Reverse: a no-op on purpose. The rows stay one-to-ones, which the previous code reads like
any one-to-one about a listing; turning them back into groups would restore the bug.
"""

from django.db import migrations
from django.db.models import Count, Exists, F, OuterRef


def interest_pairs_to_one_to_one(apps, schema_editor):
    Conversation = apps.get_model("messaging", "Conversation")
    Participant = apps.get_model("messaging", "Participant")
    creator_takes_part = Exists(
        Participant.objects.filter(conversation=OuterRef("pk"), user=OuterRef("created_by"))
    )
    pairs = list(
        Conversation.objects.filter(is_group=True, listing__isnull=False, title=F("listing__title"))
        .filter(creator_takes_part)
        .annotate(people=Count("participants"))
        .filter(people=2)
        .values_list("pk", flat=True)
    )
    Participant.objects.filter(conversation_id__in=pairs).update(is_admin=False)
    Conversation.objects.filter(pk__in=pairs).update(is_group=False, title="")


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [
        migrations.RunPython(interest_pairs_to_one_to_one, migrations.RunPython.noop),
    ]
