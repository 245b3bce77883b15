from django.urls import path

from regioagenda.monitor import catalog_views

app_name = "opendata"

urlpatterns = [
    path("", catalog_views.index, name="index"),
    path("catalogus.jsonld", catalog_views.catalogue, name="catalogue"),
]
