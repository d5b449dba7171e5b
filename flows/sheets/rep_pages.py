"""Each rep's own view of a day's sheet, beside the sheet: reps/<rep-slug>.html (the cards) and
reps/<rep-slug>.eml (the same as an unsent e-mail, plain text and HTML). Rendering is pure
(scoring.rep_view); this module only writes the files, each whole or not at all."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pandas as pd

from scoring.rep_view import MAX_CARDS, rep_files
from scoring.sheet_layout import owner_values, split_by_owner

FOLDER = "reps"


def write_rep_pages(sheet: pd.DataFrame, folder: Path, day: date, locale: str = "en",
                    addresses: Mapping[str, str] | None = None,
                    totals: Mapping[object, int] | None = None) -> list[Path]:
    """Write one page and one e-mail per owner of `sheet` under `folder`/reps/; return them.

    Args:
        sheet: the day's sheet (scoring.sheet.build_sheet or a stored one), in rank order.
        folder: the day's output folder (data/out/<run date>).
        addresses: rep name -> e-mail address (data/reps.yaml), for the e-mail's To header.
        totals: owner (scoring.sheet_layout.owner_values) -> how many leads the owner has, when
            `sheet` holds only each owner's first MAX_CARDS rows (RepCards); else counted.

    Pages of owners who have no lead this time are removed, so the folder is the day's reps.
    A page shows an owner's best MAX_CARDS leads (the backlog can be most of the sheet).
    """
    target = folder / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for key, part in split_by_owner(sheet).items():
        owner = str(part["owner"].iloc[0]) if "owner" in part and len(part) else ""
        page, mail = target / f"{key}.html", target / f"{key}.eml"
        total = (totals or {}).get(owner_values(part).iloc[0]) if len(part) else None
        html, message = rep_files(part, owner, day, locale, (addresses or {}).get(owner), total)
        _replace(page, html.encode("utf-8"))
        _replace(mail, message.as_bytes(policy=policy.SMTP))
        written += [page, mail]
    for stale in set(target.glob("*.html")) | set(target.glob("*.eml")):
        if stale not in written:
            stale.unlink()
    return written


class RepCards:
    """Each owner's first MAX_CARDS rows of a sheet given in parts (in rank order), and how many
    rows each owner has: what `write_rep_pages` needs, without keeping the whole sheet."""

    def __init__(self) -> None:
        self.kept: list[pd.DataFrame] = []
        self.totals: Counter[object] = Counter()

    def add(self, part: pd.DataFrame) -> None:
        owners = owner_values(part)
        before = owners.map(self.totals).fillna(0).astype(int)
        shown = before + part.groupby(owners, sort=False).cumcount() < MAX_CARDS
        self.kept.append(part[shown.to_numpy()])
        self.totals.update(owners.value_counts(sort=False).to_dict())

    def sheet(self) -> pd.DataFrame:
        """The rows kept, in the sheet's order."""
        return pd.concat(self.kept, ignore_index=True) if self.kept else pd.DataFrame()


def rewrite_rep_pages(folder: Path, sheet: pd.DataFrame, day: date, dry_run: bool = False
                      ) -> dict[Path, int]:
    """Rewrite the rep pages and e-mails of `folder` (a day's output) from `sheet`, as
    `leadpilot forget` needs: same locale and addresses as before, one card fewer per lead gone.

    Returns the cards each page lost (a page whose rep has no lead left is removed). With
    `dry_run`, nothing is written.
    """
    target = folder / FOLDER
    pages = sorted(target.glob("*.html")) if target.is_dir() else []
    if not pages:
        return {}
    before = {page: page.read_text(encoding="utf-8") for page in pages}
    after = {f"{key}.html": min(len(part), MAX_CARDS)
             for key, part in split_by_owner(sheet).items()}
    if not dry_run:
        lang = re.search(r'<html lang="(\w+)"', next(iter(before.values())))
        write_rep_pages(sheet, folder, day, lang.group(1) if lang else "en", _addresses(target))
    return {page: text.count('<article class="card"') - after.get(page.name, 0)
            for page, text in before.items()}


def _addresses(target: Path) -> dict[str, str]:
    """Rep name -> address, from the To headers of the e-mails already written."""
    found = {}
    for mail in target.glob("*.eml"):
        to = message_from_bytes(mail.read_bytes(), policy=policy.default)["To"]
        for address in to.addresses if to else ():
            found[address.display_name] = address.addr_spec
    return found


def _replace(path: Path, content: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(content)
    partial.replace(path)
