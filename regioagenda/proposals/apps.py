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
        self._forget_suggestions_on_change()

    def _forget_suggestions_on_change(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from regioagenda.proposals import models
        from regioagenda.proposals.suggestions import forget_suggestions
        from regioagenda.registry.models import JointBody
        from regioagenda.vision.models import Theme, Topic

        def forget(sender: type, instance: object, **kwargs: object) -> None:
            region_id = getattr(instance, "region_id", None)
            if region_id is not None:
                forget_suggestions(region_id)

        for model in (models.Term, models.GazetteerEntry, Theme, Topic, JointBody):
            post_save.connect(
                forget, sender=model, weak=False, dispatch_uid=f"forget-suggestions-{model}"
            )
            post_delete.connect(
                forget, sender=model, weak=False, dispatch_uid=f"forget-delete-{model}"
            )
