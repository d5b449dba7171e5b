"""Which column of a file feeds which leadpilot field: a mapping, and a mapping applied to a
file's header. Pure; flows/intake/mapping.py parses the TOML files and presets."""

from __future__ import annotations

from dataclasses import dataclass

STATUSES = ("open", "won", "lost")
# the fields a mapping's `required` may name
REQUIRABLE = ("lead_id", "email", "created_at", "source", "company_id")
# leadpilot field -> how its text is read. Lead fields first, then the company's.
FIELDS: dict[str, str] = {
    "lead_id": "key", "first_name": "text", "last_name": "text", "title": "text",
    "email": "email", "phone": "text", "source": "source", "status": "status",
    "created_at": "date", "closed_at": "date", "modified_at": "date", "owner": "text",
    "company_id": "key", "company_name": "text", "website": "text", "country": "text",
    "industry": "text", "employees": "count", "annual_revenue": "amount",
    "founded_year": "year", "siren": "text", "postal_code": "text",
}


@dataclass(frozen=True)
class Mapping:
    """A mapping as written: field -> candidate headers, and the value translations."""

    name: str
    description: str
    columns: dict[str, tuple[str, ...]]
    sources: dict[str, str]  # lower-case file value -> leadpilot source
    statuses: dict[str, str]  # lower-case file value -> open, won or lost
    source_default: str
    status_default: str
    required: tuple[str, ...] = ()  # fields a row must fill, else it is rejected
    merge_same_email: bool = True  # rows with different ids and one email are one lead

    @property
    def keys_leads(self) -> bool:
        """Whether the file's rows are leads (else companies, keyed by company_id)."""
        return "lead_id" in self.columns or "email" in self.columns

    def resolve(self, headers: tuple[str, ...]) -> Resolved:
        """Match the candidate headers (ignoring case) against a file's header.

        A field's first present header feeds it; the next ones only fill its empty cells and
        are kept in extra as well, so a mobile phone next to a phone is not lost.
        """
        by_lower: dict[str, str] = {}
        for header in headers:
            by_lower.setdefault(header.lower(), header)
        used: dict[str, tuple[str, ...]] = {}
        for field, candidates in self.columns.items():
            present = tuple(by_lower[c.lower()] for c in candidates if c.lower() in by_lower)
            if present:
                used[field] = present
        taken = {cols[0] for cols in used.values()}
        translated = {h for f in ("source", "status") for h in used.get(f, ())}
        extra = tuple(h for h in headers if h not in taken or h in translated)
        return Resolved(self, used, extra)


@dataclass(frozen=True)
class Resolved:
    """A mapping applied to one file: the headers each field reads, the headers kept in extra."""

    mapping: Mapping
    fields: dict[str, tuple[str, ...]]
    extra: tuple[str, ...]

    def describe(self) -> list[str]:
        """One line per mapped field, e.g. `first_name <- FirstName`."""
        lines = [f"{field} <- {' | '.join(cols)}" for field, cols in self.fields.items()]
        if self.extra:
            lines.append(f"kept in extra: {', '.join(self.extra)}")
        return lines
