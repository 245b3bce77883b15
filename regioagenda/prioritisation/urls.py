from django.urls import path

app_name = "prioritisation"

urlpatterns: list = []
