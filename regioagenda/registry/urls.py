from django.urls import path

from regioagenda.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.body_list, name="list"),
    path("matrix/", views.matrix, name="matrix"),
    path("netwerk/", views.network, name="network"),
    path("begrotingen/", views.budget_overview, name="budgets"),
    path("begrotingen/nieuw/", views.budget_request_add, name="budget_add"),
    path("begrotingen/<int:pk>/bewerken/", views.budget_request_edit, name="budget_edit"),
    path("begrotingen/<int:pk>/zienswijze/", views.budget_view_record, name="budget_view"),
    path("<slug:slug>/", views.body_detail, name="body"),
]
