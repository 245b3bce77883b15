from django.urls import path

from regioagenda.monitor import import_views, report_views, views

app_name = "monitor"

# Fixed paths first: `<slug:slug>/` below would take any single word.
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("importeren/", import_views.imports, name="imports"),
    path("importeren/<int:pk>/", import_views.import_detail, name="import"),
    path("jaarverslag/", report_views.report_index, name="reports"),
    path("jaarverslag/<int:year>/", report_views.report, name="report"),
    path("jaarverslag/<int:year>/jaarverslag.pdf", report_views.report_pdf, name="report_pdf"),
]

urlpatterns += [
    path("<slug:slug>/", views.indicator_detail, name="indicator"),
    # CSVW's convention: the description of x.csv is x.csv-metadata.json.
    path("<slug:slug>/cijfers.csv-metadata.json", views.metadata, name="metadata"),
    path("<slug:slug>/cijfers.<str:format>", views.download, name="download"),
]
