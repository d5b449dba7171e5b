"""A rep's CRM ids in data/reps.yaml: an owner the CRM gave as an id (Salesforce OwnerId, a
HubSpot owner id) is that rep, like the rep's name or email; mistakes name the file and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

from flows.editable_files import ConfigError, load_yaml
from scoring.assignment import Territories, assign, crm_key

REPS = """\
default_rep: Dana Default
reps:
  - name: Olivia Owner
    email: olivia@example.com
    countries: [US]
    crm_ids: [005bm00000NCJmQ, "12345678"]
  - name: Dana Default
    email: dana@example.com
    countries: [FR]
    crm_ids: [005Ec000004oBPNIA2]
"""


def _territories(tmp_path: Path, text: str = REPS) -> Territories:
    path = tmp_path / "reps.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return Territories.from_file(load_yaml(path, "data/reps.yaml"))


def _owners(territories: Territories, *owners: str | None) -> pd.DataFrame:
    return assign(pd.DataFrame({
        "lead_id": [f"L{i}" for i in range(len(owners))], "owner": list(owners),
        "country": ["FR"] * len(owners), "industry": [None] * len(owners)}), territories)


def test_an_owner_id_listed_in_crm_ids_is_that_rep_in_its_15_or_18_character_form(tmp_path):
    owners = _owners(_territories(tmp_path), "005bm00000NCJmQAAX", "005bm00000NCJmQ",
                     " 12345678 ", "005Ec000004oBPN", "005Ec000004oBPNIA2")
    assert owners["owner"].tolist() == ["Olivia Owner", "Olivia Owner", "Olivia Owner",
                                        "Dana Default", "Dana Default"]
    assert owners["owner_email"].tolist()[:3] == ["olivia@example.com"] * 3
    assert set(owners["rule"]) == {"crm"}


def test_an_unlisted_or_differently_cased_id_goes_to_the_territory_rep_not_to_an_owner_of_its_own(
        tmp_path):
    # Salesforce's 15-character ids are case-sensitive: 005BM... is another user
    owners = _owners(_territories(tmp_path), "005bm00000NCJmR", "005BM00000NCJMQ",
                     "005bm00000NCJmQAAA", None)
    assert owners["owner"].tolist() == ["Dana Default"] * 4  # the FR territory's rep
    assert owners["owner_email"].tolist() == ["dana@example.com"] * 4
    assert owners["rule"].tolist() == ["territory"] * 4


def test_a_rep_with_only_crm_ids_gets_their_crm_leads_and_no_territory(tmp_path):
    text = REPS.replace("  - name: Dana Default", "  - name: Kim Accounts\n"
                        "    email: kim@example.com\n    crm_ids: [005xx0000000001]\n"
                        "  - name: Dana Default")
    owners = _owners(_territories(tmp_path, text), "005xx0000000001", None, None)
    assert owners["owner"].tolist() == ["Kim Accounts", "Dana Default", "Dana Default"]
    assert owners["rule"].tolist() == ["crm", "territory", "territory"]
    nobody = assign(pd.DataFrame({"lead_id": ["L9"], "owner": [None], "country": ["DE"],
                                  "industry": [None]}), _territories(tmp_path, text))
    assert (nobody["owner"][0], nobody["rule"][0]) == ("Dana Default", "default")


def test_names_and_emails_still_match_next_to_ids(tmp_path):
    owners = _owners(_territories(tmp_path), "OLIVIA OWNER", "dana@EXAMPLE.com")
    assert owners["owner"].tolist() == ["Olivia Owner", "Dana Default"]


def test_a_salesforce_18_character_id_is_matched_by_its_15_character_form():
    assert crm_key("005bm00000NCJmQAAX") == "005bm00000NCJmQ"
    assert crm_key("00Qbm00000Orxk5EAB") == "00Qbm00000Orxk5"
    assert crm_key("005bm00000NCJmQAAA") == "005bm00000NCJmQAAA"  # not its checksum
    assert crm_key("hubspot-owner-123456") == "hubspot-owner-123456"


@pytest.mark.parametrize(("change", "line", "field", "problem"), [
    (('crm_ids: [005bm00000NCJmQ, "12345678"]', "crm_ids: [005bm00000NCJmQ, 0123]"), 6,
     "reps[0].crm_ids", "put the id YAML read as the number 83 in quotes"),
    (("crm_ids: [005Ec000004oBPNIA2]", "crm_ids: [005bm00000NCJmQAAX]"), 10,
     "reps[1].crm_ids", "'005bm00000NCJmQ' is already listed for Olivia Owner"),
    (("crm_ids: [005Ec000004oBPNIA2]", "crm_ids: 005Ec000004oBPNIA2"), 10,
     "reps[1].crm_ids", "must be a list like [005xx0000012345]"),
    (("crm_ids: [005Ec000004oBPNIA2]", 'crm_ids: ["005Ec 000004oBPNIA2"]'), 10,
     "reps[1].crm_ids", "without spaces"),
    (("crm_ids: [005Ec000004oBPNIA2]", "crm_id: [005Ec000004oBPNIA2]"), 10,
     "reps[1].crm_id",
     "is not a rep setting (name, email, countries, industries, crm_ids, leads_per_day)"),
])
def test_a_crm_id_mistake_names_the_file_line_and_field(tmp_path, change, line, field,
                                                         problem):
    with pytest.raises(ConfigError) as caught:
        _territories(tmp_path, REPS.replace(*change))
    message = str(caught.value)
    assert message.startswith(f"data/reps.yaml, line {line}, field {field}: ")
    assert problem in message and message.count(". ") == 0  # one sentence
