from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = "Live layer"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from realtime.services import sessions_close

        def close_sockets_on_logout(sender, request, user, **kwargs):  # type: ignore[no-untyped-def]
            if user is not None and request is not None:
                sessions_close(user_id=user.pk, session_key=request.session.session_key)

        user_logged_out.connect(close_sockets_on_logout, dispatch_uid="realtime.logout")
