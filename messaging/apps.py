from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "ClusterXchange"

    def ready(self) -> None:
        from messaging.actions import register_actions
        from messaging.selectors.conversations import conversation_can_subscribe
        from realtime.topics import register_topic

        # `conversation:<id>`: active participants only; "typing" is relayed, never logged.
        register_topic("conversation", gate=conversation_can_subscribe, signals={"typing"})
        register_actions()
        # `message.new` notifications are written by the worker (notifications.outbox).
        from messaging.services.messages import message_notifications_drain
        from notifications.outbox import register_drain

        register_drain("message.new", message_notifications_drain)
        # "Message this organisation" and the open listings on every organisation profile.
        from community.profile_sections import register_profile_section
        from messaging.views.profile import (
            organisation_listings_section,
            organisation_message_section,
        )

        register_profile_section("actions", organisation_message_section)
        register_profile_section("main", organisation_listings_section)
        # The offers-and-demands section of the email digest.
        import messaging.digest  # noqa: F401

        # Links to a listing elsewhere (forum posts) show it as a card.
        from community.link_cards import register_listing_cards
        from messaging.selectors.cards import listing_card_sample, listing_cards_for

        register_listing_cards(listing_cards_for, listing_card_sample)
        # Listings and conversations on top of `manage.py seed_demo`'s community data.
        from messaging import demo

        demo.connect()
