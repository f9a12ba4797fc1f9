from config.pages import home, moderation

urlpatterns = [*home.urlpatterns, *moderation.urlpatterns]
