"""Evaluate the suggestions of the regional impact check on the labelled development set.

    uv run python bench/evaluate_suggestions.py [--misses]

Loads the Leidse regio into a fresh SQLite database in a temporary folder (never var/), runs
`suggest` on each item of regioagenda/data/evaluation/proposals-dev.jsonl (text: title and
paraphrase; municipality: `gemeente`) and prints micro precision and recall for themes, topics,
municipalities and bodies, the accuracy of the regional call with precision and recall for
"regional", and per item what was missed or suggested in excess.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEV_SET = ROOT / "regioagenda" / "data" / "evaluation" / "proposals-dev.jsonl"


@dataclass
class Tally:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    def add(self, expected: set[str], suggested: set[str]) -> None:
        self.true_positive += len(expected & suggested)
        self.false_positive += len(suggested - expected)
        self.false_negative += len(expected - suggested)

    def line(self, name: str) -> str:
        suggested = self.true_positive + self.false_positive
        expected = self.true_positive + self.false_negative
        precision = self.true_positive / suggested if suggested else float("nan")
        recall = self.true_positive / expected if expected else float("nan")
        return (
            f"{name:<15} precision {precision:5.2f} ({self.true_positive}/{suggested})   "
            f"recall {recall:5.2f} ({self.true_positive}/{expected})"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="also list what was suggested")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="regioagenda-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["REGIOAGENDA_VAR_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regioagenda.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from regioagenda.proposals.suggestions import THRESHOLD, suggest
    from regioagenda.regions.models import Municipality
    from regioagenda.vision.dataset import load_region

    call_command("migrate", verbosity=0)
    region = load_region(ROOT / "regioagenda" / "data" / "regions" / "leidse-regio").region
    codes = {m.name: m.code for m in Municipality.objects.filter(region=region)}

    items = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line]
    tallies = {name: Tally() for name in ("themes", "topics", "municipalities", "bodies")}
    regional = Tally()
    correct = 0
    misses = []
    started = time.perf_counter()
    for item in items:
        text = f"{item['titel']}\n{item['samenvatting_parafrase']}"
        result = suggest(text, region=region, municipality=codes[item["gemeente"]])
        expected = item["expected"]
        suggested = {
            "themes": {s.key for s in result.themes},
            "topics": {s.key for s in result.topics},
            "municipalities": {s.name for s in result.municipalities},
            "bodies": {s.name for s in result.bodies},
        }
        notes = []
        for name, tally in tallies.items():
            wanted = set(expected.get(name, []))
            tally.add(wanted, suggested[name])
            if wanted - suggested[name]:
                notes.append(f"missed {name}: {', '.join(sorted(wanted - suggested[name]))}")
            if suggested[name] - wanted:
                notes.append(f"extra {name}: {', '.join(sorted(suggested[name] - wanted))}")
        regional.add(
            {"x"} if expected["regional"] else set(), {"x"} if result.regional.value else set()
        )
        correct += expected["regional"] == result.regional.value
        if expected["regional"] != result.regional.value:
            notes.append(
                f"regional: expected {expected['regional']}, suggested {result.regional.value} "
                f"(score {result.regional.score:.2f}"
                + (", borderline" if expected.get("borderline") else "")
                + ")"
            )
        if notes:
            misses.append((item["id"], notes))
    elapsed = time.perf_counter() - started

    print(f"{len(items)} items of {DEV_SET.relative_to(ROOT)}, threshold {THRESHOLD}")
    for name, tally in tallies.items():
        print(tally.line(name))
    print(f"{'regional call':<15} accuracy {correct / len(items):.2f} ({correct}/{len(items)})")
    print(regional.line("  regional=true"))
    print(f"time: {elapsed * 1000 / len(items):.0f} ms per item (vocabulary built each time)")
    print("\nPer item (missed = expected but not suggested; extra = suggested, not expected):")
    for item_id, notes in misses:
        if not args.misses:
            notes = [n for n in notes if not n.startswith("extra")]
            if not notes:
                continue
        print(f"  {item_id}: " + "; ".join(notes))


if __name__ == "__main__":
    main()
