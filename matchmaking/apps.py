from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        # Planted pairs and the event in progress on top of `manage.py seed_demo`'s data
        # (after messaging's and webinars' receivers: this app comes after them).
        from matchmaking import demo

        demo.connect()
        # "Suggested for you" on the organisation profile, the listing page and the event
        # page, through each app's registry (they do not import matchmaking).
        from community.profile_sections import register_profile_section
        from matchmaking.views import suggestions
        from messaging.page_sections import register_listing_section
        from webinars.page_sections import register_event_section

        register_profile_section("main", suggestions.organisation_section)
        register_listing_section(suggestions.listing_section)
        register_event_section(suggestions.event_section)
