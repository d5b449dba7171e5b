"""The demo data generator keeps the CSV contract, is deterministic and hides a learnable signal."""

from __future__ import annotations

import hashlib
from datetime import date

import numpy as np
import pandas as pd
import pytest

from features.columns import EVENT_TYPES, SOURCES
from flows.demo.data import DemoData, generate, write_demo

ANCHOR = date(2026, 11, 29)
MIDNIGHT = pd.Timestamp("2026-11-29 00:00:00")
DAY = pd.Timedelta(days=1)
SMALL = {"n_history": 600, "n_open": 60}
STAMP = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"
FREE_MAIL = {"gmail.com", "orange.fr", "hotmail.fr", "yahoo.fr", "free.fr", "wanadoo.fr",
             "outlook.com", "laposte.net", "yahoo.com"}
DISPOSABLE = {"mailinator.com", "yopmail.com", "guerrillamail.com"}


@pytest.fixture(scope="module")
def small() -> DemoData:
    return generate(ANCHOR, seed=7, **SMALL)


@pytest.fixture(scope="module")
def full() -> DemoData:
    return generate(ANCHOR)


def _valid(data: DemoData) -> pd.DataFrame:
    leads = data.leads[~data.leads["lead_id"].isin(data.malformed_lead_ids)].copy()
    leads["created"] = pd.to_datetime(leads["created_at"], format="%Y-%m-%d %H:%M:%S")
    leads["closed"] = pd.to_datetime(leads["closed_at"], format="%Y-%m-%d %H:%M:%S")
    return leads


def _events(data: DemoData) -> pd.DataFrame:
    events = data.activities.merge(_valid(data), on="lead_id", how="left", validate="m:1")
    events["at"] = pd.to_datetime(events["occurred_at"], format="%Y-%m-%d %H:%M:%S")
    return events


def _auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC as the Mann-Whitney statistic (ties count one half)."""
    ranks = pd.Series(scores).rank(method="average").to_numpy()
    positives, negatives = labels.sum(), (~labels).sum()
    return (ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives)


def test_auc_helper_matches_known_values():
    labels = np.array([False, False, True, True])
    assert _auc(labels, np.array([0.1, 0.2, 0.3, 0.4])) == 1.0
    assert _auc(labels, np.array([0.4, 0.3, 0.2, 0.1])) == 0.0
    assert _auc(labels, np.array([0.1, 0.5, 0.5, 0.9])) == 0.875


def test_same_arguments_give_identical_tables_and_bytes(small, tmp_path):
    again = generate(ANCHOR, seed=7, **SMALL)
    for name in ("companies", "leads", "activities", "truth"):
        pd.testing.assert_frame_equal(getattr(small, name), getattr(again, name))
    assert again.malformed_lead_ids == small.malformed_lead_ids
    first, second = write_demo(small, tmp_path / "a"), write_demo(again, tmp_path / "b")
    for name, path in first.items():
        assert path.read_bytes() == second[name].read_bytes(), name


# sha256 of the CSVs of generate(ANCHOR, seed=7, n_history=200, n_open=20), recorded when the
# hidden propensity gained its thresholds and interactions (the companies' bytes date from before
# flows/demo/data.py was split into modules): a refactor must not change one byte of the data
COMMITTED_CSV_SHA256 = {
    "companies": "096d9cc115775eeb05c1493c7ff66c4a73d708be9ec2d8d25efb565d1f287d83",
    "leads": "3acdaaf4038ba972c8e98651b50c298225d72225218b6469928542515ca47547",
    "activities": "815e600773a9293447bf090a5701dbae27cecc1e2efcff1737d06e6c0609bda4",
    "truth": "876535772a308ce8b8bc26d93f5999d51daf31d7bed312e76cb76180e378c885",
}


def test_a_small_seeded_demo_gives_the_committed_csv_bytes(tmp_path):
    data = generate(ANCHOR, seed=7, n_history=200, n_open=20)
    paths = write_demo(data, tmp_path)
    found = {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in paths.items()}
    assert found == COMMITTED_CSV_SHA256
    assert data.malformed_lead_ids == ("L000221", "L000222", "L000223")


def test_another_seed_gives_different_data(small):
    other = generate(ANCHOR, seed=8, **SMALL)
    assert not other.leads.equals(small.leads)
    assert not other.companies.equals(small.companies)
    assert not other.truth["true_win_probability"].equals(small.truth["true_win_probability"])


def test_columns_follow_the_csv_contract(small):
    assert list(small.companies.columns) == [
        "company_id", "name", "domain", "country", "industry", "employees", "annual_revenue",
        "founded_year"]
    assert list(small.leads.columns) == [
        "lead_id", "created_at", "first_name", "last_name", "title", "email", "phone",
        "company_id", "source", "status", "closed_at"]
    assert list(small.activities.columns) == ["event_id", "lead_id", "occurred_at", "event_type"]
    assert list(small.truth.columns) == ["lead_id", "true_win_probability"]


def test_sizes_and_ids(small):
    leads = small.leads
    assert len(leads) == 600 + 60 + 3
    assert leads["status"].value_counts().to_dict().keys() == {"won", "lost", "open"}
    assert (leads["status"] != "open").sum() == 600
    assert leads["lead_id"].is_unique and small.companies["company_id"].is_unique
    assert small.activities["event_id"].is_unique
    assert leads["lead_id"].str.fullmatch(r"L\d{6}").all()
    assert small.companies["company_id"].str.fullmatch(r"C\d{5}").all()
    assert small.activities["event_id"].str.fullmatch(r"E\d{7}").all()
    assert list(leads["lead_id"].iloc[:3]) == ["L000001", "L000002", "L000003"]
    assert 350 <= len(small.companies) <= 450
    assert leads["company_id"].isin(small.companies["company_id"]).all()
    assert leads["company_id"].duplicated().sum() > 50  # several leads per company
    assert small.activities["lead_id"].isin(_valid(small)["lead_id"]).all()


def test_default_sizes(full):
    assert len(full.leads) == 3303
    assert 1900 <= len(full.companies) <= 2100
    assert (full.leads["status"] == "open").sum() == 303


def test_timestamps_use_the_contract_format(small):
    assert small.activities["occurred_at"].str.fullmatch(STAMP).all()
    valid = _valid(small)
    assert valid["created_at"].str.fullmatch(STAMP).all()
    assert valid["closed_at"].dropna().str.fullmatch(STAMP).all()


def test_closed_leads_span_the_last_18_months_and_close_before_the_anchor(small):
    leads = _valid(small)
    closed = leads[leads["status"].isin(["won", "lost"])]
    assert closed["closed"].notna().all()
    assert (closed["created"] >= MIDNIGHT - 548 * DAY).all()
    assert (closed["created"] < MIDNIGHT - 30 * DAY).all()
    cycle = closed["closed"] - closed["created"]
    assert (cycle >= 7 * DAY).all() and (cycle <= 90 * DAY).all()
    assert (closed["closed"] < MIDNIGHT).all()
    assert closed["created"].max() - closed["created"].min() > 400 * DAY


def test_open_leads_arrived_in_the_5_days_before_the_anchor(small):
    leads = _valid(small)
    open_ = leads[leads["status"] == "open"]
    assert len(open_) == 60
    assert open_["closed_at"].isna().all()
    assert (open_["created"] >= MIDNIGHT - 5 * DAY).all()
    assert (open_["created"] < MIDNIGHT).all()


def test_events_stay_inside_each_lead_life_and_before_the_anchor(small):
    events = _events(small)
    assert (events["at"] < MIDNIGHT).all()
    assert (events["at"] >= events["created"] - 90 * DAY).all()
    closed = events[events["status"] != "open"]
    assert (closed["at"] <= closed["closed"]).all()
    assert (events["at"] < events["created"] - 30 * DAY).any()  # anonymous visits tied later


def test_events_are_heavy_tailed_and_of_known_types(full):
    assert set(full.activities["event_type"]) == set(EVENT_TYPES)
    valid = _valid(full)
    per_lead = full.activities["lead_id"].value_counts().reindex(valid["lead_id"], fill_value=0)
    assert 15 <= per_lead.mean() <= 40
    assert per_lead.median() < 0.6 * per_lead.mean()  # many quiet leads...
    assert per_lead.quantile(0.99) > 5 * per_lead.median()  # ...and a few very engaged ones
    assert (per_lead == 0).any()


def test_follow_up_events_happen_after_scoring_and_more_for_won_deals(full):
    events = _events(full).query("status != 'open'")
    later = events["at"] >= events["created"] + 3 * DAY
    assert later.mean() > 0.2
    closed = _valid(full).query("status != 'open'").set_index("lead_id")
    counts = (events.assign(before=~later, after=later).groupby("lead_id")[["before", "after"]]
              .sum().reindex(closed.index, fill_value=0))
    days_after = (closed["closed"] - closed["created"] - 3 * DAY) / DAY

    def follow_up_rate(mask: pd.Series) -> float:  # per day, per unit of earlier engagement
        return counts["after"][mask].sum() / (days_after[mask] * counts["before"][mask]).sum()

    won = closed["status"] == "won"
    assert follow_up_rate(won) > 1.4 * follow_up_rate(~won)


def test_crm_gaps_and_messy_domains_are_present(full):
    companies = full.companies
    assert 0.05 <= companies["employees"].isna().mean() <= 0.15
    assert 0.14 <= companies["annual_revenue"].isna().mean() <= 0.26
    assert 0.10 <= companies["founded_year"].isna().mean() <= 0.20
    assert 0.01 <= _valid(full)["title"].isna().mean() <= 0.06
    domains = companies["domain"]
    assert domains.isna().any()
    assert domains.str.startswith("www.").any() and domains.str.startswith("https://").any()
    assert (domains.dropna().str.upper() == domains.dropna()).any()
    assert str(companies["employees"].dtype) == "Int64"
    assert companies["name"].str.contains("[éèüöçÉ]").any()
    assert companies["name"].is_unique


def test_emails_mix_corporate_free_and_disposable(full):
    leads = _valid(full)
    domain = leads["email"].str.split("@").str[1]
    assert leads["email"].str.fullmatch(r"[a-z0-9.\-]+@[a-z0-9.\-]+\.[a-z]+").all()
    assert 0.08 <= domain.isin(FREE_MAIL).mean() <= 0.25
    assert 0.002 <= domain.isin(DISPOSABLE).mean() <= 0.03
    company_domain = full.companies.set_index("company_id")["domain"]
    corporate = leads[~domain.isin(FREE_MAIL | DISPOSABLE)]
    crm = company_domain.loc[corporate["company_id"]].str.lower().to_numpy()
    assert np.mean([e.split("@")[1] in str(d)
                    for d, e in zip(crm, corporate["email"], strict=True)]) > 0.85


def test_titles_are_french_and_english(full):
    titles = set(full.leads["title"].dropna())
    assert {"Directeur commercial", "Responsable marketing", "DSI", "Gérant"} <= titles
    assert {"VP Sales", "Head of Sales Ops", "CEO", "Sales Development Representative"} <= titles
    assert len(titles) >= 30


def test_countries_sources_and_french_majority(full):
    countries = full.companies["country"]
    assert set(countries) == {"FR", "BE", "CH", "DE", "UK", "US", "ES"}
    assert 0.5 <= (countries == "FR").mean() <= 0.7
    assert set(_valid(full)["source"]) == set(SOURCES)
    assert len(set(full.companies["industry"])) == 8


def test_three_malformed_rows_close_the_leads_file(small):
    tail = small.leads.iloc[-3:]
    assert tuple(tail["lead_id"]) == small.malformed_lead_ids == ("L000661", "L000662", "L000663")
    assert tail["email"].iloc[0] == "jean.dupont@"
    assert tail["created_at"].iloc[1] == "2026-13-45 10:00:00"
    assert pd.isna(tail["source"].iloc[2])
    assert not small.truth["lead_id"].isin(small.malformed_lead_ids).any()
    assert not small.activities["lead_id"].isin(small.malformed_lead_ids).any()
    valid = _valid(small)
    assert valid["source"].isin(SOURCES).all()
    assert valid["email"].str.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+").all()


def test_truth_covers_every_valid_lead_once(small):
    assert list(small.truth["lead_id"]) == list(_valid(small)["lead_id"])
    p = small.truth["true_win_probability"]
    assert p.between(0, 1, inclusive="neither").all()
    assert p.std() > 0.1


def test_win_rate_and_oracle_auc_at_default_size(full):
    closed = _valid(full).query("status != 'open'")
    won = (closed["status"] == "won").to_numpy()
    p = full.truth.set_index("lead_id").loc[closed["lead_id"], "true_win_probability"]
    assert 0.15 <= won.mean() <= 0.30
    assert 0.78 <= _auc(won, p.to_numpy()) <= 0.94


def test_events_after_the_scoring_moment_would_leak_the_outcome(full):
    events = _events(full)
    closed = _valid(full).query("status != 'open'")
    before = events[events["at"] < events["created"] + 3 * DAY]
    won = (closed["status"] == "won").to_numpy()

    def count(frame: pd.DataFrame) -> np.ndarray:
        return frame["lead_id"].value_counts().reindex(closed["lead_id"], fill_value=0).to_numpy()

    honest, leaky = _auc(won, count(before)), _auc(won, count(events))
    assert honest > 0.65  # engagement before scoring carries signal
    assert leaky > honest + 0.03  # and peeking past it looks better than it should


def test_write_demo_round_trips(small, tmp_path):
    paths = write_demo(small, tmp_path / "demo")
    assert set(paths) == {"companies", "leads", "activities", "truth"}
    for name, path in paths.items():
        assert path.name == f"{name}.csv"
        frame = pd.read_csv(path, encoding="utf-8", dtype=str, keep_default_na=False)
        assert len(frame) == len(getattr(small, name)), name
        assert list(frame.columns) == list(getattr(small, name).columns)
    leads = pd.read_csv(paths["leads"], dtype=str, keep_default_na=False)
    assert leads["source"].iloc[-1] == "" and leads["closed_at"].iloc[-1] == ""
    companies = pd.read_csv(paths["companies"], dtype=str, keep_default_na=False)
    assert not companies["employees"].str.contains(r"\.").any()  # integers, not floats
    assert "Société Générale des Eaux" in set(companies["name"])



def test_more_companies_than_the_word_pools_make_are_numbered_apart():
    from flows.demo.companies import generate_companies

    companies, clean = generate_companies(np.random.default_rng(7), 20_000, 2026)
    assert len(companies) == 20_000
    assert not companies["name"].duplicated().any() and not pd.Series(clean).duplicated().any()
    numbered = companies["name"].str.contains(r" \d+$")
    assert numbered.any() and not numbered.iloc[:100].any()  # the first ones keep their names
