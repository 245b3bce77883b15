from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from regioagenda.api.urls import api
from regioagenda.website import views as website_views

admin.site.site_header = _("Regio-agenda — beheer")
admin.site.site_title = _("Regio-agenda")
admin.site.index_title = _("Beheer")

urlpatterns = [
    path("api/v1/", api.urls),
    path(".well-known/security.txt", website_views.security_txt, name="security_txt"),
    path(".well-known/security-policy.txt", website_views.security_policy, name="security_policy"),
    path("beheer/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", include("regioagenda.accounts.urls")),
    path("uitvoeringsagenda/", include("regioagenda.agenda.urls")),
    path("prioritering/", include("regioagenda.prioritisation.urls")),
    path("dossiers/", include("regioagenda.dossiers.urls")),
    path("verbonden-partijen/", include("regioagenda.registry.urls")),
    path("samenwerkingsvormen/", include("regioagenda.cooperation.urls")),
    path("wie-beslist/", include("regioagenda.competences.urls")),
    path("initiatieven/", include("regioagenda.initiatives.urls")),
    path("monitor/", include("regioagenda.monitor.urls")),
    path("voorstellen/", include("regioagenda.proposals.urls")),
    path("vergaderingen/", include("regioagenda.meetings.urls")),
    path("evenementen/", include("regioagenda.events.urls")),
    path("open-data/", include("regioagenda.monitor.catalog_urls")),
    path("", include("regioagenda.website.urls")),
    prefix_default_language=False,
)

handler400 = "regioagenda.website.views.bad_request"
handler404 = "regioagenda.website.views.page_not_found"
handler500 = "regioagenda.website.views.server_error"
handler403 = "regioagenda.website.views.permission_denied"
