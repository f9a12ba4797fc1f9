from config.pages import event_followup, home, moderation

urlpatterns = [*home.urlpatterns, *moderation.urlpatterns, *event_followup.urlpatterns]
