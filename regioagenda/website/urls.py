from django.urls import path

from regioagenda.website import views

app_name = "website"

urlpatterns = [
    path("", views.home, name="home"),
    path("themas/", views.theme_list, name="themes"),
    path("themas/<slug:slug>/", views.theme_detail, name="theme"),
    path("onderwerpen/<slug:slug>/", views.topic_detail, name="topic"),
    path("gemeenten/", views.municipality_list, name="municipalities"),
    path("gemeenten/<slug:slug>/", views.municipality_detail, name="municipality"),
    path("gemeenten/<slug:slug>/bewerken/", views.municipality_edit, name="municipality_edit"),
    path("kwaliteiten/", views.qualities, name="qualities"),
    path("samenwerking/", views.cooperation, name="cooperation"),
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("contact/", views.contact, name="contact"),
]
