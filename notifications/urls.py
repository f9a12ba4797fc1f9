from django.urls import path

from notifications import views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("action/", views.notification_action, name="notification-action"),
    path("preferences/", views.preferences, name="notification-preferences"),
    path("<int:pk>/open/", views.notification_open, name="notification-open"),
]
