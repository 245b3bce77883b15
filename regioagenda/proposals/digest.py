"""The e-mail digest of regional checks, for staff who opt in.

    checks_for(subscription, until)   the checks submitted since the last digest, on the themes
                                      the subscriber chose (all when none), public ones only
    send_digests(now)                 one e-mail per subscriber with something new; returns how
                                      many were sent

`manage.py send_proposal_digest` runs it, for example once a week from cron. Mail goes through
Django's e-mail backend (the console unless REGIOAGENDA_EMAIL_BACKEND says otherwise).
"""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from regioagenda.proposals.models import DigestSubscription, ImpactCheck, ProposalStatus
from regioagenda.proposals.paragraph import paragraph_lines


def checks_for(subscription: DigestSubscription, until: datetime.datetime) -> list[ImpactCheck]:
    since = subscription.last_sent_at or subscription.created_at
    checks = (
        ImpactCheck.objects.filter(
            state=ImpactCheck.State.SUBMITTED,
            submitted_at__gt=since,
            submitted_at__lte=until,
            proposal__municipality__region=subscription.region,
        )
        .exclude(proposal__status=ProposalStatus.DRAFT)
        .select_related("proposal__municipality")
        .order_by("submitted_at", "pk")
    )
    themes = list(subscription.themes.all())
    if themes:
        checks = checks.filter(themes__in=themes).distinct()
    return list(checks)


def _message(subscription: DigestSubscription, checks: list[ImpactCheck]) -> str:
    site = settings.SITE_URL.rstrip("/")
    parts = [
        f"Nieuwe regionale toetsen in de {subscription.region.name} sinds de vorige samenvatting:",
        "",
    ]
    for check in checks:
        proposal = check.proposal
        parts += [
            f"{proposal.municipality.name} — {proposal.number} — {proposal.title}",
            f"{site}{proposal.get_absolute_url()}",
            " ".join(paragraph_lines(check)),
            "",
        ]
    parts.append(f"Afmelden of thema's kiezen: {site}/voorstellen/samenvatting/")
    return "\n".join(parts)


def send_digests(now: datetime.datetime | None = None) -> int:
    """Send each subscriber the checks submitted since their last digest; nothing new, no mail."""
    now = now or timezone.now()
    sent = 0
    subscriptions = DigestSubscription.objects.select_related("user", "region").filter(
        user__is_active=True, user__is_staff=True
    )
    for subscription in subscriptions:
        if not subscription.user.email:
            continue
        checks = checks_for(subscription, now)
        if not checks:
            continue
        with transaction.atomic():
            send_mail(
                subject=f"Regio-agenda: {len(checks)} nieuwe regionale toets(en)",
                message=_message(subscription, checks),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[subscription.user.email],
            )
            DigestSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=now)
        sent += 1
    return sent
