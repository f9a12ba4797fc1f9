from config.pages import event_followup, home, information, moderation, moderation_log

urlpatterns = [
    *home.urlpatterns,
    *moderation.urlpatterns,
    *moderation_log.urlpatterns,
    *event_followup.urlpatterns,
    *information.urlpatterns,
]
