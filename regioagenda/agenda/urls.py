from django.urls import path

from regioagenda.agenda import views

app_name = "agenda"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("vastgelopen/", views.stuck, name="stuck"),
    path("tijdlijn/", views.timeline, name="timeline"),
    path("acties/nieuw/", views.action_create, name="action_create"),
    path("acties/<int:pk>/", views.action_detail, name="action"),
    path("acties/<int:pk>/bewerken/", views.action_edit, name="action_edit"),
    path("acties/<int:pk>/status/", views.action_status, name="action_status"),
    path("acties/<int:pk>/voortgang/", views.action_progress, name="action_progress"),
    path("rapportage/", views.report, name="report"),
    path("rapportage.pdf", views.report_pdf, name="report_pdf"),
    path("acties.csv", views.export, {"file_format": "csv"}, name="export_csv"),
    path("acties.xlsx", views.export, {"file_format": "xlsx"}, name="export_xlsx"),
    path("acties.ods", views.export, {"file_format": "ods"}, name="export_ods"),
]
