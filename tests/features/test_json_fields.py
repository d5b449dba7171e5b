"""The JSON-path mapping of generic providers, against the recorded Clearbit payloads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from features.json_fields import check_mapping, decode_json, extract_fields, lookup_path

CLEARBIT = Path(__file__).parents[1] / "fixtures" / "enrichment" / "clearbit"
MAPPING = {
    "metrics.employeesRange": "headcount_band",
    "metrics.employees": "employee_count",
    "category.industry": "industry_label",
    "foundedYear": "founded_year",
    "tech": "tech_hints",
    "geo.city": "hq_city",
    "description": "description",
}


def test_the_clearbit_company_payload_maps_to_leadpilot_fields():
    payload = json.loads((CLEARBIT / "1.json").read_text(encoding="utf-8"))
    facts = extract_fields(payload, MAPPING)
    assert facts["industry_label"] == "Internet Software & Services"
    assert facts["founded_year"] == "2009"
    assert facts["hq_city"] == "San Francisco"
    assert facts["tech_hints"].startswith("google_analytics, ")
    assert facts["headcount_band"] == payload["metrics"]["employeesRange"]
    assert all(isinstance(value, str) for value in facts.values())


def test_the_combined_payload_is_read_through_its_company_prefix_and_missing_paths_are_skipped():
    payload = json.loads((CLEARBIT / "2.json").read_text(encoding="utf-8"))
    facts = extract_fields(payload, {f"company.{path}": field for path, field in MAPPING.items()})
    assert facts["hq_city"] == payload["company"]["geo"]["city"]
    assert "tech_hints" not in facts  # the combined payload has no tech list


def test_paths_index_lists_and_the_first_path_that_fills_a_field_wins():
    payload = {"a": {"b": [{"c": 3.0}, {"c": 4.5}]}, "x": None, "tags": ["B2B", {"no": 1}, 7]}
    assert lookup_path(payload, "$.a.b[1].c") == 4.5
    assert lookup_path(payload, "a.b[5].c") is None
    facts = extract_fields(payload, {"x": "description", "a.b[0].c": "employee_count",
                                     "a.b[1].c": "employee_count", "tags": "tech_hints"})
    assert facts == {"employee_count": "3", "tech_hints": "B2B, 7"}


def test_a_mapping_names_only_leadpilot_fields_and_valid_paths():
    assert check_mapping(MAPPING) == []
    problems = check_mapping({"metrics..x": "employee_count", "name": "ceo_salary"})
    assert len(problems) == 2
    assert "not a JSON path" in problems[0] and "not a leadpilot field" in problems[1]


@pytest.mark.parametrize("body", [b'{"results": [{"siren": "55203', b"<html>Maintenance</html>",
                                  b"\xff\xfe\x00"])
def test_a_body_that_is_not_json_is_a_short_error(body):
    with pytest.raises(ValueError, match="invalid JSON"):
        decode_json(body)
