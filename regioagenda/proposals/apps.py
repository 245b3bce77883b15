from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "regioagenda.proposals"
    label = "proposals"
    verbose_name = _("Voorstellen en regionale toets")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from regioagenda.proposals import models

        auditlog.register(models.Proposal)
        auditlog.register(models.ProposalLink)
        auditlog.register(models.ProposalDocument, exclude_fields=["text"])
        auditlog.register(
            models.ImpactCheck,
            m2m_fields={"themes", "topics", "joint_bodies", "actions", "coordinate_with"},
        )
        auditlog.register(models.AffectedMunicipality)
        auditlog.register(models.Term)
        auditlog.register(models.GazetteerEntry)
