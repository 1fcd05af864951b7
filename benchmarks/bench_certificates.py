"""1,000 certificates in one PDF, against a bare ReportLab canvas drawing a comparable page.

Ours: :func:`render_certificates` for 1,000 participants chosen by id, from the database
(recipients and their roles read, the programme's branding with a logo and a signature,
each template's background as a form XObject, every name set with the per-character font
fallback; one name in ten is Arabic, Chinese or Vietnamese), for each of the three
templates. Baseline: a bare canvas with the same DejaVu fonts registered drawing the same
elements on every page (border, logo, heading, name, achievement, programme, date,
signature) with ``drawCentredString``, no fallback, no database. Ours starts each run with
the fonts' caches of runs and line breaks cleared. Aim: at most 2 s each and a
ratio of at most 2.5 (the median of 3 runs).
"""

from __future__ import annotations

import dataclasses
import io
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from benchmarks.common import synthetic_people
from mentordesk.db import Database
from mentordesk.models import Programme
from mentordesk.paths import resource_path
from mentordesk.services.documents import fonts
from mentordesk.services.documents.branding import TEMPLATES, BrandingChanges, save_branding
from mentordesk.services.documents.certificates import (
    CertificateRequest,
    certificate_recipients,
    render_certificates,
)
from mentordesk.services.participants import add_participants

COUNT = 1_000
AIM_SECONDS = 2.0
AIM_RATIO = 2.5
RUNS = 3
ACHIEVEMENT = "For generously sharing their experience as a mentor"
OTHER_SCRIPTS = ["محمد عبد الله", "王秀英", "Nguyễn Thị Minh Khai"]


def _signature() -> bytes:
    img = Image.new("RGBA", (400, 120), (255, 255, 255, 0))
    ImageDraw.Draw(img).line([(10, 90), (60, 20), (90, 100), (140, 30), (230, 40), (380, 50)],
                             fill=(20, 30, 90, 255), width=5)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _database() -> tuple[Database, CertificateRequest]:
    folder = Path(tempfile.mkdtemp(prefix="mentordesk-bench-"))
    db = Database.open(folder / "bench.sqlite3", backups=False)
    people = synthetic_people(COUNT)
    people = [p if i % 10 else dataclasses.replace(p, full_name=OTHER_SCRIPTS[i % 3])
              for i, p in enumerate(people)]
    with db.Session.begin() as session:
        records = add_participants(session, people)
        programme = Programme(name="Grow Together 2027")
        session.add(programme)
        session.flush()
        save_branding(session, programme.id, BrandingChanges(
            organisation="Northwind Traders",
            logo_png=resource_path("icons", "mentordesk-256.png").read_bytes(),
            signature_png=_signature(), signer_name="Ana Ferreira",
            signer_title="Chief People Officer"))
        ids = records.ids
        request = CertificateRequest(programme.id, participant_ids=ids, achievement=ACHIEVEMENT,
                                     issued_on=date(2027, 6, 30))
    return db, request


def _ours(db: Database, request: CertificateRequest) -> tuple[float, int]:
    fonts.clear_caches()  # each run starts cold, as a coordinator's first batch does
    start = time.perf_counter()
    with db.Session() as session:
        data = render_certificates(session, request)
    return time.perf_counter() - start, len(data)


def _baseline(names: list[str]) -> float:
    for name, file in (("B-Sans", "DejaVuSans.ttf"), ("B-Serif", "DejaVuSerif.ttf"),
                       ("B-SerifBold", "DejaVuSerif-Bold.ttf")):
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file))))
    logo = resource_path("icons", "mentordesk-256.png")
    start = time.perf_counter()
    width, height = landscape(A4)
    canvas = Canvas(io.BytesIO(), pagesize=(width, height), pageCompression=1)
    for name in names:
        canvas.setLineWidth(4)
        canvas.rect(20, 20, width - 40, height - 40)
        canvas.setLineWidth(1)
        canvas.rect(30, 30, width - 60, height - 60)
        canvas.drawImage(str(logo), width / 2 - 22, height - 96, 44, 44, mask="auto")
        canvas.setFont("B-SerifBold", 34)
        canvas.drawCentredString(width / 2, height - 150, "Certificate of Achievement")
        canvas.setFont("B-Sans", 10.5)
        canvas.drawCentredString(width / 2, height - 180, "PRESENTED TO")
        canvas.setFont("B-SerifBold", 40)
        canvas.drawCentredString(width / 2, height * 0.49 + 12, name)
        canvas.setFont("B-Serif", 14)
        canvas.drawCentredString(width / 2, height * 0.49 - 30, ACHIEVEMENT)
        canvas.drawCentredString(width / 2, height * 0.30, "Grow Together 2027 · Northwind")
        canvas.setFont("B-Serif", 11.5)
        canvas.drawCentredString(width * 0.28, 98, "30 June 2027")
        canvas.line(width * 0.62, 92, width * 0.82, 92)
        canvas.drawCentredString(width * 0.72, 78, "Ana Ferreira")
        canvas.showPage()
    canvas.save()
    return time.perf_counter() - start


def run() -> bool:
    """Run and print the benchmark; returns whether both aims were met."""
    db, request = _database()
    with db.Session() as session:
        names = [r.name for r in certificate_recipients(session, request)]
    ok = True
    try:
        for template in TEMPLATES:
            one = dataclasses.replace(request, template=template)
            ours, bare, size = [], [], 0
            for _ in range(RUNS):  # taking turns, so both see the same machine
                seconds, size = _ours(db, one)
                ours.append(seconds)
                bare.append(_baseline(names))
            best, base = statistics.median(ours), statistics.median(bare)
            ratio = best / base
            met = best <= AIM_SECONDS and ratio <= AIM_RATIO
            ok = ok and met
            print(f"{COUNT:,} certificates ({template}) in one PDF: {best * 1000:.0f} ms "
                  f"(aim <= {AIM_SECONDS * 1000:.0f} ms), {size / 1e6:.1f} MB; bare ReportLab "
                  f"canvas, comparable page: {base * 1000:.0f} ms; ratio {ratio:.2f}x "
                  f"(aim <= {AIM_RATIO:g}x) {'ok' if met else 'OVER AIM'}", flush=True)
    finally:
        db.close(backup=False)
    return ok


if __name__ == "__main__":
    run()
