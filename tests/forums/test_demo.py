import pytest
from django.core.management import call_command

from forums.models import Forum, Post, Topic
from notifications.models import Notification


@pytest.mark.django_db
def test_seed_demo_adds_forums_with_topics_in_several_languages():
    call_command("seed_demo", organisations=60, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    kinds = set(Forum.objects.values_list("kind", flat=True))
    assert kinds == {"partnership", "fcan", "community"}
    assert Topic.objects.filter(group__forum__kind="partnership").count() >= 3
    assert len(set(Post.objects.values_list("language", flat=True))) >= 3
    # Every partnership has its forum; a featured login meets a members-only one.
    from community.models import Partnership, User
    from forums.selectors.forums import forum_list_for

    assert Forum.objects.filter(kind="partnership").count() == Partnership.objects.count()
    anna = User.objects.get(email="anna.schmidt@clusterhub.example")
    assert forum_list_for(anna).filter(kind="partnership", groups__topics__isnull=False).exists()
    # Written through the services: authors heard of the replies.
    assert Notification.objects.filter(kind="forum.reply").exists()


@pytest.mark.django_db
def test_seed_demo_links_forum_posts_to_demo_listings(client):
    from community.models import User
    from forums.models import PostListingLink

    call_command("seed_demo", organisations=60, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    links = PostListingLink.objects.select_related("post__topic__group__forum")
    assert {link.post.topic.group.forum.kind for link in links} == {"partnership", "fcan"}
    client.force_login(User.objects.get(email="anna.schmidt@clusterhub.example"))
    for link in links:
        html = client.get(link.post.topic.get_absolute_url()).content.decode()
        assert f'data-listing-card="{link.listing_id}"' in html
