from django.urls import path

from regioagenda.cooperation import views

app_name = "cooperation"

urlpatterns = [
    path("", views.comparison_list, name="list"),
    path("<slug:slug>/", views.comparison_detail, name="comparison"),
    path("<slug:slug>/beoordelen/", views.assess, name="assess"),
]
