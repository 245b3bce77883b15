from django.urls import path

from regioagenda.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("<slug:slug>/", views.dossier_detail, name="dossier"),
    path("<slug:slug>/besluit/<str:code>/<str:body>/", views.record, name="record_decision"),
]
