"""The login backend: Django's ModelBackend, loading a person with what every page needs.

`get_user` runs on every request of a logged-in person (AuthenticationMiddleware, lazily);
loading their delivery settings in the same query gives PersonLocaleMiddleware their time
zone without a second query per page. config may know every app; community does not know
notifications, so this lives here.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PersonBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            user = model._default_manager.select_related("delivery_settings").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
