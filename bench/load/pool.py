"""Write the URLs of the read mix to a JSON file: which action, indicator and proposal to ask for.

    DJANGO_SETTINGS_MODULE=bench.load.settings python bench/load/pool.py out.json [--per-kind 200]

A popular subset, chosen at random (fixed seed) among all public objects: `--per-kind` actions,
proposals and indicators. The load generator picks among them uniformly, so that a page cache
is not trivially hot for one object, as on a real site where most visits go to a few hundred
pages. Only what an anonymous visitor may see (proposals through visible_to).
"""

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def url_pool(per_kind: int, seed: int = 9) -> dict[str, list[str]]:
    from django.contrib.auth.models import AnonymousUser
    from django.urls import reverse

    from regioagenda.agenda.models import Action
    from regioagenda.monitor.models import Indicator
    from regioagenda.proposals.models import Proposal
    from regioagenda.regions.current import current_region

    rng = random.Random(seed)  # noqa: S311 — a sample, not a secret
    region = current_region()

    def sample(pks: list, count: int) -> list:
        return sorted(rng.sample(pks, min(count, len(pks))))

    actions = list(Action.objects.in_region(region).values_list("pk", flat=True))
    proposals = list(Proposal.objects.visible_to(AnonymousUser()).values_list("pk", flat=True))
    indicators = list(Indicator.objects.filter(region=region).values_list("slug", flat=True))
    return {
        "home": [reverse("website:home")],
        "agenda": [reverse("agenda:overview")],
        "action": [reverse("agenda:action", args=[pk]) for pk in sample(actions, per_kind)],
        "monitor": [reverse("monitor:dashboard")],
        "indicator": [
            reverse("monitor:indicator", args=[slug]) for slug in sample(indicators, per_kind)
        ],
        "proposal": [
            reverse("proposals:proposal", args=[pk]) for pk in sample(proposals, per_kind)
        ],
        "events": [reverse("events:list")],
        "ical": [reverse("events:feed")],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("output", type=Path)
    parser.add_argument("--per-kind", type=int, default=200)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    pool = url_pool(args.per_kind)
    empty = [kind for kind, urls in pool.items() if not urls]
    if empty:
        sys.exit(f"No public objects for: {', '.join(empty)}")
    args.output.write_text(json.dumps(pool, indent=1))


if __name__ == "__main__":
    main()
