from django.urls import path

from regioagenda.competences import views

app_name = "competences"

urlpatterns = [
    path("", views.question, name="question"),
    path("register/", views.register, name="register"),
]
