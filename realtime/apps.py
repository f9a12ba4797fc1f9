from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = "Live layer"

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib.auth.signals import user_logged_out
        from django.db.models.signals import post_delete

        from realtime.services import sessions_close, token_sockets_close

        def close_sockets_on_logout(sender, request, user, **kwargs):  # type: ignore[no-untyped-def]
            if user is not None and request is not None:
                sessions_close(user_id=user.pk, session_key=request.session.session_key)

        user_logged_out.connect(close_sockets_on_logout, dispatch_uid="realtime.logout")

        # However a token goes (revoked over the API, a password change, the admin, the
        # account deleted), the sockets opened with its tickets go too.
        def close_sockets_of_deleted_token(sender, instance, **kwargs):  # type: ignore[no-untyped-def]
            token_sockets_close(user_id=instance.user_id, api_token_id=instance.pk)

        post_delete.connect(
            close_sockets_of_deleted_token,
            sender=settings.REALTIME_API_TOKEN_MODEL,
            dispatch_uid="realtime.token_deleted",
            weak=False,
        )
