"""Benchmark the regional impact check: a long proposal's document, its suggestions, and related
proposals among many stored ones.

    uv run python bench/bench_proposals.py [--repeat 5] [--pages 50] [--proposals 10000]

A fresh SQLite database in a temporary folder (never var/), with the Leidse regio (`load_region`).

1. A council proposal of `--pages` pages, made with WeasyPrint from Dutch policy sentences
   (shuffled with a fixed seed), with headings, places of the region and tables; pypdf confirms
   the page count.
2. `extract_text` alone against `extract_text` + `suggest`, the analysis the check form runs on
   an upload: median and p95 over `--repeat`, the ratio, the characters extracted and the peak
   Python memory (tracemalloc, in a separate run so that tracing does not slow the timings).
3. 1,000 and then `--proposals` stored proposals across the region's municipalities (dates over
   five years, a tenth with a submitted check on a topic); `related_proposals` for one proposal
   (with the long document and a draft check on a topic): median, p95 and query count.
"""

import argparse
import datetime
import hashlib
import io
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = 2026
PLACES = [
    "Stevenshof",
    "Leiderdorp",
    "Katwijk",
    "Oegstgeest",
    "Voorschoten",
    "Wassenaar",
    "Merenwijk",
    "Rijnsburg",
    "Valkenburg",
]
# Varied sentences of a Dutch council proposal; {place} is filled in from PLACES.
SENTENCES = [
    "Het college stelt de raad voor om in te stemmen met de woningbouwopgave voor {place}.",
    "In {place} worden de komende vijf jaar ongeveer vierhonderd sociale huurwoningen gebouwd.",
    "De woningcorporaties hebben toegezegd dat zij de helft van de nieuwbouw in de sociale "
    "huur realiseren.",
    "Starters en jongeren vinden in de regio nauwelijks een betaalbare woning.",
    "De doorstroming van ouderen naar passende woningen blijft achter bij de verwachtingen.",
    "Het nieuwe fietspad tussen {place} en het station verkort de reistijd met tien minuten.",
    "De bereikbaarheid van de binnenstad met het openbaar vervoer staat onder druk.",
    "De provincie draagt bij aan de verbreding van de regionale snelfietsroute langs {place}.",
    "Met de buurgemeenten is afgesproken dat de parkeernormen op elkaar worden afgestemd.",
    "De HOV-verbinding naar het Bio Science Park vraagt om een gezamenlijke investering.",
    "Het verkeer op de ontsluitingsweg van {place} neemt naar verwachting met twintig procent toe.",
    "De gemeenteraad heeft in de motie gevraagd om een plan voor veilige schoolroutes.",
    "De financiële gevolgen zijn verwerkt in de tweede bestuursrapportage van dit jaar.",
    "Voor de uitvoering wordt een krediet van 2,4 miljoen euro beschikbaar gesteld.",
    "De structurele lasten worden gedekt uit de algemene reserve en de precariobelasting.",
    "Het risico op kostenoverschrijding is beperkt doordat de aanbesteding al is afgerond.",
    "De gemeenschappelijke regeling Holland Rijnland wordt gevraagd om een zienswijze op "
    "de begroting.",
    "Inwoners van {place} zijn tijdens drie bijeenkomsten geraadpleegd over het ontwerp.",
    "De klankbordgroep heeft zorgen geuit over de hoogte van de nieuwe gebouwen.",
    "Het groen in de wijk blijft behouden en wordt waar mogelijk uitgebreid.",
    "Door klimaatadaptatie moeten de pleinen beter regenwater kunnen opvangen.",
    "De energietransitie vraagt om een warmtenet dat meerdere wijken met elkaar verbindt.",
    "Zonnepanelen op de daken van scholen en sporthallen leveren jaarlijks veel stroom op.",
    "De aanpak van armoede en schulden krijgt in {place} een eigen wijkteam.",
    "Jeugdhulp en de Wmo blijven de grootste uitgavenposten in het sociaal domein.",
    "De regionale arbeidsmarkt kent een groot tekort aan technici en zorgmedewerkers.",
    "Bedrijventerrein bij {place} wordt geherstructureerd zodat er ruimte komt voor "
    "kleine ondernemers.",
    "De recreatieve routes langs de Oude Rijn trekken steeds meer bezoekers uit de regio.",
    "Het college houdt de raad via een raadsinformatiebrief op de hoogte van de voortgang.",
    "Na het besluit volgt een inspraakperiode van zes weken voor belanghebbenden.",
    "De evaluatie van de pilot laat zien dat de deelnemers tevreden zijn over de begeleiding.",
    "Het bestemmingsplan wordt aangepast aan de regels van de Omgevingswet.",
    "Voor de wijk {place} is een integrale gebiedsvisie opgesteld met de bewoners.",
    "De samenwerking met de andere gemeenten in de Leidse regio verloopt via de "
    "portefeuillehoudersoverleggen.",
    "Een deel van de woningen wordt gebouwd op de plek van het voormalige zwembad.",
    "De geluidsbelasting langs de provinciale weg blijft binnen de wettelijke normen.",
    "Het aantal deelauto's en deelfietsen in {place} is het afgelopen jaar verdubbeld.",
    "De ontwikkelaar betaalt een bijdrage aan het fonds voor bovenwijkse voorzieningen.",
    "De planning gaat uit van een start van de bouw in het derde kwartaal van volgend jaar.",
    "Met dit voorstel wordt invulling gegeven aan de ambities uit het coalitieakkoord.",
    "De toegankelijkheid van bushaltes voor mensen met een beperking wordt verbeterd.",
    "Het onderhoud van bruggen en kademuren vraagt de komende jaren extra middelen.",
]
HEADINGS = [
    "Inleiding",
    "Beoogd effect",
    "Argumenten",
    "Woningbouw",
    "Mobiliteit en bereikbaarheid",
    "Financiën",
    "Participatie",
    "Duurzaamheid",
    "Sociaal domein",
    "Regionale samenwerking",
    "Risico's",
    "Uitvoering en planning",
    "Communicatie",
    "Evaluatie",
]
# Words that put a stored proposal's title on a theme, so that some match the long proposal.
TOPIC_WORDS = [
    "woningbouw",
    "sociale huur",
    "fietspad",
    "openbaar vervoer",
    "warmtenet",
    "jeugdhulp",
    "bedrijventerrein",
    "klimaatadaptatie",
    "parkeernormen",
    "armoede",
    "recreatie",
    "kademuren",
]


def sentence(rng: random.Random) -> str:
    return rng.choice(SENTENCES).format(place=rng.choice(PLACES))


def proposal_html(pages: int, seed: int = SEED) -> str:
    """A council proposal of `pages` pages: one section per page, every fifth with a table."""
    rng = random.Random(seed)  # noqa: S311 — test data, not secrets
    pool = SENTENCES[:]
    sections = []
    for page in range(pages):
        rng.shuffle(pool)
        heading = f"{page + 1}. {HEADINGS[page % len(HEADINGS)]}"
        paragraphs = 4 if page % 5 == 4 else 7
        body = "".join(
            "<p>"
            + " ".join(
                pool[(p * 4 + i) % len(pool)].format(place=rng.choice(PLACES)) for i in range(4)
            )
            + "</p>"
            for p in range(paragraphs)
        )
        if page % 5 == 4:
            rows = "".join(
                f"<tr><td>{place}</td><td>{rng.randint(40, 600)}</td>"
                f"<td>{rng.randint(20, 70)}%</td><td>€ {rng.randint(1, 40)},{rng.randint(0, 9)} mln"
                "</td></tr>"
                for place in rng.sample(PLACES, 6)
            )
            body += (
                "<table><thead><tr><th>Kern of wijk</th><th>Woningen</th>"
                "<th>Sociale huur</th><th>Investering</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>"
            )
        sections.append(f"<section><h2>{heading}</h2>{body}</section>")
    return (
        "<!doctype html><html lang='nl'><head><meta charset='utf-8'><style>"
        "@page { size: A4; margin: 2.5cm 2cm; @bottom-center { content: counter(page) } }"
        "body { font-family: sans-serif; font-size: 10.5pt; line-height: 1.4 }"
        "section { break-after: page } section:last-child { break-after: auto }"
        "table { border-collapse: collapse; width: 100% } td, th { border: 1px solid #999;"
        " padding: 3pt 5pt }"
        "</style></head><body>"
        "<h1>Raadsvoorstel RV 26.0420 — Woningbouw en bereikbaarheid in de Leidse regio</h1>"
        + "".join(sections)
        + "</body></html>"
    )


def proposal_pdf(pages: int) -> bytes:
    from pypdf import PdfReader
    from weasyprint import HTML

    data: bytes = HTML(string=proposal_html(pages)).write_pdf()
    count = len(PdfReader(io.BytesIO(data)).pages)
    assert count == pages, f"{count} pages, expected {pages}"
    return data


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    timings = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
    p95 = sorted(timings)[max(0, int(len(timings) * 0.95) - 1)]
    return statistics.median(timings), p95, result


def peak_kib(function: Callable[[], Any]) -> float:
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024


def store_proposals(
    count: int, start_number: int, region: Any, rng: random.Random, topics: list[Any]
) -> None:
    """`count` public proposals with a title and summary, a tenth with a submitted check."""
    from django.db import transaction
    from django.utils import timezone

    from regioagenda.proposals.models import GoverningBody, ImpactCheck, Proposal, ProposalStatus

    municipalities = list(region.municipalities.order_by("code"))
    first = datetime.date(2022, 1, 1)
    with transaction.atomic():
        created = Proposal.objects.bulk_create(
            Proposal(
                municipality=municipalities[n % len(municipalities)],
                body=rng.choice(GoverningBody.values),
                number=f"RV {n:05d}",
                title=f"{rng.choice(TOPIC_WORDS).capitalize()}: {sentence(rng)[:-1].lower()}",
                summary=" ".join(sentence(rng) for _ in range(3)),
                date=first + datetime.timedelta(days=rng.randint(0, 5 * 365 - 1)),
                status=rng.choice([ProposalStatus.IN_PROCEDURE, ProposalStatus.DECIDED]),
            )
            for n in range(start_number, start_number + count)
        )
        checked = rng.sample(created, count // 10)
        checks = ImpactCheck.objects.bulk_create(
            ImpactCheck(
                proposal=proposal,
                revision=1,
                state=ImpactCheck.State.SUBMITTED,
                submitted_at=timezone.now(),
            )
            for proposal in checked
        )
        through = ImpactCheck.topics.through
        through.objects.bulk_create(
            through(impactcheck_id=check.pk, topic_id=rng.choice(topics).pk) for check in checks
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--proposals", type=int, default=10_000)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="regioagenda-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["REGIOAGENDA_VAR_DIR"] = str(folder)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regioagenda.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from regioagenda.proposals.documents import extract_text
    from regioagenda.proposals.models import ImpactCheck, Proposal, ProposalDocument
    from regioagenda.proposals.related import related_proposals
    from regioagenda.proposals.suggestions import suggest
    from regioagenda.vision.dataset import load_region
    from regioagenda.vision.models import Topic

    call_command("migrate", verbosity=0)
    region = load_region(ROOT / "regioagenda" / "data" / "regions" / "leidse-regio").region
    leiden = region.municipalities.get(slug="leiden")

    started = time.perf_counter()
    pdf = proposal_pdf(args.pages)
    print(
        f"PDF: {args.pages} pagina's, {len(pdf) / 1024:.0f} KiB "
        f"(WeasyPrint, {time.perf_counter() - started:.1f} s)"
    )

    def extract() -> Any:
        return extract_text(pdf, "raadsvoorstel.pdf")

    def analyse() -> Any:
        return suggest(extract().text, region=region, municipality=leiden)

    extracted = extract()  # warm up: imports, the lemma cache
    suggestions = suggest(extracted.text, region=region, municipality=leiden)
    extract_median, extract_p95, _ = timed(extract, args.repeat)
    total_median, total_p95, _ = timed(analyse, args.repeat)
    extract_peak = peak_kib(extract)
    total_peak = peak_kib(analyse)
    print(
        f"  extract_text           median {extract_median * 1000:7.0f} ms, "
        f"p95 {extract_p95 * 1000:7.0f} ms, peak {extract_peak / 1024:5.1f} MiB; "
        f"{len(extracted.text):,} tekens, {extracted.pages} pagina's"
    )
    print(
        f"  extract_text + suggest median {total_median * 1000:7.0f} ms, "
        f"p95 {total_p95 * 1000:7.0f} ms, peak {total_peak / 1024:5.1f} MiB; "
        f"ratio {total_median / extract_median:.2f}× (suggest alone ≈ "
        f"{(total_median - extract_median) * 1000:.0f} ms)"
    )
    print(
        f"  suggesties: {len(suggestions.themes)} thema's, {len(suggestions.topics)} onderwerpen, "
        f"{len(suggestions.municipalities)} gemeenten, {len(suggestions.bodies)} verbonden "
        f"partijen, regionaal {suggestions.regional.value}"
    )

    # The proposal being checked: Leiden's, mid-period, with the long document and a draft check.
    rng = random.Random(SEED)  # noqa: S311 — test data, not secrets
    topics = list(Topic.objects.filter(region=region))
    own = Proposal.objects.create(
        municipality=leiden,
        body="raad",
        number="RV 26.0420",
        title="Woningbouw en bereikbaarheid in de Leidse regio",
        date=datetime.date(2024, 7, 1),
        status="in-procedure",
    )
    ProposalDocument.objects.create(
        proposal=own,
        file=f"voorstellen/{own.pk}/x",
        name="raadsvoorstel.pdf",
        media_type=extracted.media_type,
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        text=extracted.text,
        pages=extracted.pages,
    )
    draft = ImpactCheck.objects.create(proposal=own, revision=1)
    draft.topics.set(topics[:2])

    stored = 0
    for size in sorted({min(1_000, args.proposals), args.proposals}):
        started = time.perf_counter()
        store_proposals(size - stored, stored, region, rng, topics)
        made = time.perf_counter() - started
        stored = size
        with CaptureQueriesContext(connection) as queries:
            found = related_proposals(own)
        median, p95, _ = timed(lambda: related_proposals(own), args.repeat)
        in_window = (
            Proposal.objects.filter(
                date__gte=own.date - datetime.timedelta(days=365),
                date__lte=own.date + datetime.timedelta(days=365),
            )
            .exclude(municipality=leiden)
            .count()
        )
        print(
            f"{Proposal.objects.count() - 1:,} voorstellen opgeslagen (in {made:.1f} s), "
            f"{in_window:,} kandidaten in het venster"
        )
        print(
            f"  related_proposals      median {median * 1000:7.0f} ms, p95 {p95 * 1000:7.0f} ms, "
            f"{len(queries)} queries; {len(found)} gevonden, de eerste: "
            f"{found[0].reason if found else '-'}"
        )


if __name__ == "__main__":
    main()
