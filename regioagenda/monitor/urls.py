from django.urls import path

from regioagenda.monitor import import_views, views

app_name = "monitor"

# Fixed paths first: `<slug:slug>/` below would take any single word.
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("importeren/", import_views.imports, name="imports"),
    path("importeren/<int:pk>/", import_views.import_detail, name="import"),
]

urlpatterns += [
    path("<slug:slug>/", views.indicator_detail, name="indicator"),
    # CSVW's convention: the description of x.csv is x.csv-metadata.json.
    path("<slug:slug>/cijfers.csv-metadata.json", views.metadata, name="metadata"),
    path("<slug:slug>/cijfers.<str:format>", views.download, name="download"),
]
