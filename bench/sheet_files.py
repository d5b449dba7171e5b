"""Time the lead sheet writers on N synthetic leads: `.venv/bin/python bench/sheet_files.py 100000`.

Prints the time of build_sheet and of each format (CSV en, CSV fr, XLSX) with the file size.
"""

from __future__ import annotations

import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from flows.sheets.files import write_sheet
from scoring.sheet import build_sheet


def main(n: int) -> None:
    rng = np.random.default_rng(0)
    scored = pd.DataFrame({
        "lead_id": [f"L{i:07d}" for i in range(n)], "win_probability": rng.random(n),
        "grade": "B", "expected_value": [Decimal(f"{x:.2f}") for x in rng.random(n) * 1e5],
        "first_name": "Zoé", "last_name": "Müller", "company": "Société Générale",
        "title": "DSI", "email": "z@sge.fr", "phone": "+33 6 12 34 56 78", "country": "FR",
        "source": "web_form",
        "reasons_positive": [["Pricing page viewed 4 times in 7 days", "Demo requested"]] * n,
        "reasons_negative": [["Free-mail address"]] * n,
        "points": [["Ask who else signs (source: x)", "Quote the case study (source: y)",
                    "Call today (source: z)"]] * n,
        "plan": "Growth", "seats": 25, "list_price": Decimal("17700.00"),
        "suggested_discount": Decimal("0.08"), "floor_price": Decimal("15000.00"),
        "acv": Decimal("16284.00"), "owner": "Camille Martin", "currency": "EUR",
        "approval_discount": Decimal("0.15"),
        "terms": '[{"years": 2, "discount": "0.05", "price": "15469.80", '
                 '"floor_price": "14250.00"}]'})
    start = time.perf_counter()
    sheet = build_sheet(scored)
    print(f"build_sheet, {n} leads: {time.perf_counter() - start:.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        for fmt, locale in (("csv", "en"), ("csv", "fr"), ("xlsx", "en")):
            start = time.perf_counter()
            path = write_sheet(sheet, Path(folder) / f"sheet.{locale}.{fmt}", fmt, locale)
            print(f"{fmt} {locale}: {time.perf_counter() - start:.2f} s, "
                  f"{path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
