from django.urls import path

from regioagenda.prioritisation import views

app_name = "prioritisation"

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("<slug:slug>/", views.round_detail, name="round"),
    path("<slug:slug>/stemmen/", views.vote, name="vote"),
    path("<slug:slug>/vaststellen/", views.adopt, name="adopt"),
]
