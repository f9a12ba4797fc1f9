"""factory_boy factories shared by the whole suite. Append new factories at the end."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from community.models import (
    Ecosystem,
    ModerationStatus,
    NewsItem,
    Organisation,
    OrganisationMembership,
    OrganisationRole,
    OrganisationType,
    Partnership,
    PartnershipKind,
    User,
)

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    job_title = "Cluster manager"
    email_verified = True
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Cluster {n}")
    slug = factory.Sequence(lambda n: f"cluster-{n}")
    type = OrganisationType.CLUSTER
    country = "DE"
    city = "Berlin"
    latitude = 52.52
    longitude = 13.40
    description = "A cluster."
    website = "https://cluster.example.org"
    members_sme = 20
    members_research = 5
    members_total = 25
    management_fte = Decimal("1.5")
    status = ModerationStatus.PUBLISHED
    primary_ecosystem = factory.LazyFunction(lambda: Ecosystem.objects.get(slug="digital"))

    @factory.post_generation
    def ecosystems(obj, create, extracted, **kwargs):  # noqa: N805
        if not create:
            return
        if extracted:
            obj.ecosystems.set(extracted)
        elif obj.primary_ecosystem_id:
            obj.ecosystems.set([obj.primary_ecosystem])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganisationRole.MEMBER


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    kind = PartnershipKind.ESCP_4I
    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.Sequence(lambda n: f"partnership-{n}")
    coordinator = factory.SubFactory(OrganisationFactory)


class NewsItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsItem

    title = factory.Sequence(lambda n: f"News {n}")
    slug = factory.Sequence(lambda n: f"news-{n}")
    summary = "Something happened."
    body = "Details."
    author = factory.SubFactory(StaffFactory)
    status = ModerationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class ListingFactory(factory.django.DjangoModelFactory):
    """A ClusterXchange listing written straight to the table (services fill search_text;
    here it is the title, so text search still finds factory listings by title)."""

    class Meta:
        model = "messaging.Listing"

    organisation = factory.SubFactory(OrganisationFactory)
    author = factory.LazyAttribute(
        lambda o: MembershipFactory(organisation=o.organisation, role=OrganisationRole.MEMBER).user
    )
    kind = "offer"
    category = "expertise"
    title = factory.Sequence(lambda n: f"Listing {n}")
    description = "What we offer."
    status = "open"
    search_text = factory.LazyAttribute(lambda o: o.title)


class EventFactory(factory.django.DjangoModelFactory):
    """A published webinar whose room is open now (it started 5 minutes ago)."""

    class Meta:
        model = "webinars.Event"
        skip_postgeneration_save = True

    kind = "webinar"
    title = factory.Sequence(lambda n: f"Webinar {n}")
    slug = factory.Sequence(lambda n: f"webinar-{n}")
    summary = "How clusters internationalise."
    description = "An hour with three speakers."
    organiser_organisation = factory.SubFactory(OrganisationFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(minutes=5))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timezone.timedelta(hours=1))
    status = ModerationStatus.PUBLISHED


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "webinars.Registration"

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = "registered"


class EventPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "webinars.EventPerson"

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    role = "host"
