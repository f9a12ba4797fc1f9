"""Forum search (forums/selectors/search.py).

- `Post.search_title` and `Post.search_text`: the folded words of the topic's title (opening
  post) and of the post's text; filled here for the posts that exist (a deleted post keeps
  them empty), written by the services from then on.
- PostgreSQL only: `search_document`, a STORED generated tsvector over both (title weight A,
  text B) in community's `clusterhub_simple` configuration (community/0005), and its GIN
  index `forum_post_search_document`. Not a model field: SQLite cannot compute it.
"""

from django.db import migrations, models

from forums.selectors.search import post_search_fields

BATCH = 1000

DOCUMENT = (
    "setweight(to_tsvector('clusterhub_simple'::regconfig, \"search_title\"), 'A') || "
    "setweight(to_tsvector('clusterhub_simple'::regconfig, \"search_text\"), 'B')"
)


def fill(apps, schema_editor):
    Post = apps.get_model("forums", "Post")
    openers = set(
        Post.objects.values("topic_id")
        .annotate(first=models.Min("pk"))
        .values_list("first", flat=True)
    )
    changed = []
    posts = Post.objects.filter(deleted_at__isnull=True).select_related("topic")
    for post in posts.only("pk", "body_html", "topic__title").iterator(chunk_size=BATCH):
        title = post.topic.title if post.pk in openers else ""
        fields = post_search_fields(body_html=post.body_html, title=title)
        post.search_title, post.search_text = fields["search_title"], fields["search_text"]
        changed.append(post)
        if len(changed) >= BATCH:
            Post.objects.bulk_update(changed, ["search_title", "search_text"])
            changed = []
    Post.objects.bulk_update(changed, ["search_title", "search_text"])


def add_document(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE forums_post ADD COLUMN search_document tsvector "
            f"GENERATED ALWAYS AS ({DOCUMENT}) STORED"
        )
        cursor.execute(
            "CREATE INDEX forum_post_search_document ON forums_post USING gin (search_document)"
        )


def drop_document(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS forum_post_search_document")
        cursor.execute("ALTER TABLE forums_post DROP COLUMN IF EXISTS search_document")


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0003_post_flags"),
        # The `clusterhub_simple` text search configuration.
        ("community", "0005_search_europe"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="post",
            name="search_title",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(add_document, drop_document),
    ]
