from django.urls import path

from regioagenda.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.body_list, name="list"),
    path("matrix/", views.matrix, name="matrix"),
    path("<slug:slug>/", views.body_detail, name="body"),
]
