from config.pages import event_followup, home, information, moderation

urlpatterns = [
    *home.urlpatterns,
    *moderation.urlpatterns,
    *event_followup.urlpatterns,
    *information.urlpatterns,
]
