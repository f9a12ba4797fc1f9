from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = _("Information hub")

    def ready(self) -> None:
        from hub import demo, demo_countries, demo_enquiries, demo_library, demo_trends
        from hub.services.reminders import call_reminders_drain
        from notifications.kinds import register_kind
        from notifications.outbox import register_drain

        register_kind(
            "call.reviewed", _("A moderator's decision on a call you submitted"), email=True
        )
        # Reminders to a call's followers a week and a day before its deadline
        # (hub/services/reminders.py), on every worker pass.
        register_kind(
            "call.deadline",
            _("A reminder before the deadline of a call you follow"),
            push=True,
            email=True,
        )
        register_drain("call.reminders", call_reminders_drain)
        # A published call someone follows was deleted (hub.services.calls.call_delete).
        register_kind("call.withdrawn", _("A call you follow was withdrawn"), push=True, email=True)
        register_kind(
            "library.reviewed",
            _("A moderator's decision on a document you suggested for the library"),
            email=True,
        )
        # The SMEs Go International desk (hub/services/enquiries.py): each step of an enquiry
        # to its asker (a visitor without an account is e-mailed directly), and new
        # enquiries and the askers' replies to the desk's staff.
        register_kind(
            "enquiry.update",
            _("News of an enquiry you sent to the international desk"),
            push=True,
            email=True,
        )
        register_kind(
            "enquiry.staff",
            _("A new enquiry or an asker's reply at the international desk (staff)"),
            push=True,
            email=True,
        )
        # Demo calls on top of `manage.py seed_demo`'s community and ClusterXchange data.
        demo.connect()
        # Country and In focus pages (hub/demo_countries.py).
        demo_countries.connect()
        # Demo library (about 100 items, collections, a pending suggestion).
        demo_library.connect()
        # Demo enquiries in every state at the international desk.
        demo_enquiries.connect()
        # The trend universe's demo (hub/demo_trends.py).
        demo_trends.connect()
