from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from community.folding import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="clusterhub_fold")
        # A connection opened before this app was ready (rare: a check at start-up).
        for connection in connections.all(initialized_only=True):
            if connection.connection is not None:
                register_sqlite_function(None, connection)
