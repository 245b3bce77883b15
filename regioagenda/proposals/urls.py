from django.urls import path

from regioagenda.proposals import edit_views, feeds, views

app_name = "proposals"

# Fixed paths first: `<int:pk>/` never clashes with them, but reading order should match.
urlpatterns = [
    path("", views.overview, name="overview"),
    path("zonder-toets/", views.without_check, name="without_check"),
    path("nieuw/", edit_views.create, name="create"),
    path("samenvatting/", edit_views.digest, name="digest"),
    path("feeds/thema/<slug:slug>.atom", feeds.ThemeFeed(), name="feed_theme"),
    path("feeds/gemeente/<str:code>.atom", feeds.MunicipalityFeed(), name="feed_municipality"),
    path("feeds/verbonden-partij/<slug:slug>.atom", feeds.JointBodyFeed(), name="feed_body"),
    path("<int:pk>/", views.detail, name="proposal"),
    path("<int:pk>/bewerken/", edit_views.edit, name="edit"),
    path("<int:pk>/documenten/", edit_views.upload, name="upload"),
    path("<int:pk>/documenten/<int:document_pk>/", views.document, name="document"),
    path("<int:pk>/toets/", edit_views.check, name="check"),
    path("<int:pk>/toets/indienen/", edit_views.submit_check, name="submit_check"),
    path("<int:pk>/regionale-paragraaf.<str:format>", views.paragraph, name="paragraph"),
]
