from django.urls import path

from regioagenda.initiatives import views

app_name = "initiatives"

urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("indienen/", views.submit, name="submit"),
    path("bedankt/", views.thanks, name="thanks"),
    path("moderatie/", views.moderation_queue, name="moderation"),
    path("<uuid:reference>/", views.initiative_detail, name="initiative"),
    path("<uuid:reference>/modereren/", views.moderate, name="moderate"),
    path("<uuid:reference>/gebeurtenis/", views.record, name="record"),
]
