from django.urls import path

from regioagenda.events import feeds, moderation_views, submit_views, views

app_name = "events"

urlpatterns = [
    # Public views: list, month, week, the event page.
    path("", views.event_list, name="list"),
    path("maand/<int:year>/<int:month>/", views.month, name="month"),
    path("week/<int:year>/<int:week>/", views.week, name="week"),
    path("<int:pk>/", views.event, name="event"),
    path("<int:pk>/afbeelding/", views.image, name="image"),
    # iCalendar: the feed carries the list's filters in its query string; one event.
    path("agenda.ics", feeds.events_feed, name="feed"),
    path("<int:pk>.ics", feeds.one_event, name="event_ics"),
    # Organisers: submit, confirm the e-mail address, edit their own event.
    path("aanmelden/", submit_views.submit, name="submit"),
    path("aanmelden/verstuurd/", submit_views.submitted, name="submitted"),
    path("bevestigen/<str:token>/", submit_views.confirm, name="confirm"),
    path("wijzigen/<str:token>/", submit_views.edit_by_token, name="edit_by_token"),
    path("<int:pk>/wijzigen/", submit_views.edit, name="edit"),
    path("mijn-evenementen/", submit_views.mine, name="mine"),
    # Staff: moderation with the clashes of each event.
    path("beoordelen/", moderation_views.queue, name="moderation"),
    path("beoordelen/<int:pk>/", moderation_views.moderate, name="moderate"),
]
