from django.urls import path

from regioagenda.meetings import edit_views, feeds, registration_views, views

app_name = "meetings"

urlpatterns = [
    # Public: one agenda of all bodies, per body, per theme, and the meeting page.
    path("", views.agenda, name="agenda"),
    path("orgaan/<slug:slug>/", views.body, name="body"),
    path("thema/<slug:slug>/", views.theme, name="theme"),
    path("<int:pk>/", views.meeting, name="meeting"),
    path("<int:pk>/stukken/<int:document_pk>/", views.document, name="document"),
    # iCalendar: every meeting, a body's meetings, one meeting.
    path("agenda.ics", feeds.all_meetings, name="feed"),
    path("orgaan/<slug:slug>.ics", feeds.body_meetings, name="body_feed"),
    path("<int:pk>.ics", feeds.one_meeting, name="meeting_ics"),
    # Registration (RSVP) and the attendance list.
    path("<int:pk>/aanmelden/", registration_views.register, name="register"),
    path("afmelden/<str:token>/", registration_views.cancel, name="cancel_registration"),
    path("<int:pk>/aanwezigheid/", registration_views.attendance, name="attendance"),
    # Staff: the meeting, its agenda, documents, minutes and follow-ups.
    path("nieuw/", edit_views.create, name="create"),
    path("<int:pk>/bewerken/", edit_views.edit, name="edit"),
    path("<int:pk>/agendapunten/nieuw/", edit_views.add_item, name="add_item"),
    path("<int:pk>/agendapunten/<int:item_pk>/", edit_views.edit_item, name="edit_item"),
    path("<int:pk>/agendapunten/<int:item_pk>/stukken/", edit_views.upload, name="upload"),
    path("<int:pk>/agendapunten/<int:item_pk>/verslag/", edit_views.minutes, name="minutes"),
    path("<int:pk>/agendapunten/<int:item_pk>/vervolg/", edit_views.follow_up, name="follow_up"),
]
