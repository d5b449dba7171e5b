import numpy as np
import pandas as pd
import pytest

from features.columns import DEPARTMENTS, SENIORITIES
from features.titles import TitleClass, classify_title, classify_titles

CASES = [
    # the brief's reference cases
    ("Head of Sales Ops", "vp_head", "sales"),
    ("Directeur commercial", "director", "sales"),
    ("DSI", "c_level", "it"),
    ("Office manager", "individual", "operations"),
    ("CEO", "c_level", "other"),
    ("Directrice financière", "director", "finance"),
    ("Responsable marketing digital", "manager", "marketing"),
    ("Chargée de communication", "individual", "marketing"),
    ("VP Sales EMEA", "vp_head", "sales"),
    ("Stagiaire RH", "individual", "other"),
    ("Sales Development Representative", "individual", "sales"),
    # c_level
    ("P.D.G.", "c_level", "other"),
    ("Président-Directeur Général", "c_level", "other"),
    ("Directrice Générale Adjointe", "c_level", "other"),
    ("Co-fondatrice & CTO", "c_level", "it"),
    ("Founder", "c_level", "other"),
    ("Gérant(e)", "c_level", "other"),
    ("Managing Director", "c_level", "other"),
    ("Chief Revenue Officer", "c_level", "sales"),
    ("cfo", "c_level", "finance"),
    ("COO", "c_level", "operations"),
    ("CMO", "c_level", "marketing"),
    ("Directeur des Systèmes d'Information", "c_level", "it"),
    ("Directrice des systèmes d’information", "c_level", "it"),
    # vp_head
    ("Vice-Présidente Marketing", "vp_head", "marketing"),
    ("SVP, Procurement", "vp_head", "operations"),
    ("Global Head of IT", "vp_head", "it"),
    ("Head of Revenue Operations", "vp_head", "operations"),
    ("SVP, Administration and Finance", "vp_head", "finance"),
    # director
    ("Dir. Cial", "director", "sales"),
    ("DAF", "director", "finance"),
    ("DRH", "director", "other"),
    ("Directeur technique", "director", "it"),
    ("Directeur Marketing & Communication", "director", "marketing"),
    ("Directeur des opérations commerciales", "director", "sales"),
    ("Director, Warehouse Mgmt", "director", "operations"),
    ("Regional General Manager", "director", "other"),
    # manager
    ("Responsable des achats", "manager", "operations"),
    ("Chef de projet informatique", "manager", "it"),
    ("Chef d'équipe logistique", "manager", "operations"),
    ("Team Lead / Customer Support", "manager", "operations"),
    ("Superviseuse service client", "manager", "operations"),
    ("Mgr, Sales Ops", "manager", "sales"),
    ("Resp. marketing", "manager", "marketing"),
    ("RevOps Manager", "manager", "operations"),
    ("Responsable administratif et financier", "manager", "finance"),
    ("Assistant Manager", "manager", "other"),
    # individual
    ("Key Account Manager", "individual", "sales"),
    ("Community Manager", "individual", "marketing"),
    ("Product Owner", "individual", "other"),
    ("Contrôleuse de gestion", "individual", "finance"),
    ("Comptable", "individual", "finance"),
    ("Ingénieur d'affaires", "individual", "sales"),
    ("Ingénieur logiciel", "individual", "it"),
    ("Développeuse Full-Stack", "individual", "it"),
    ("Commercial(e) sédentaire", "individual", "sales"),
    ("Chargé·e de com", "individual", "marketing"),
    ("Assistant to the CEO", "individual", "other"),
    ("Tech Recruiter", "individual", "other"),
    ("Lead Generation Specialist", "individual", "marketing"),
    ("Intern Marketing", "individual", "marketing"),
    ("Data Analyst", "individual", "it"),
    ("Acheteuse", "individual", "operations"),
    # unknown
    ("", "unknown", "other"),
    ("N/A", "unknown", "other"),
    ("Marketing", "unknown", "marketing"),
    ("Head hunter", "unknown", "other"),
    (None, "unknown", "other"),
    (np.nan, "unknown", "other"),
]


@pytest.mark.parametrize(("title", "seniority", "department"), CASES)
def test_classify_title_reads_seniority_and_department(title, seniority, department):
    assert classify_title(title) == TitleClass(seniority, department)


def test_cases_cover_every_seniority_and_department():
    assert {case[1] for case in CASES} == set(SENIORITIES)
    assert {case[2] for case in CASES} == set(DEPARTMENTS)


@pytest.mark.parametrize(
    ("messy", "clean"),
    [
        ("  DIRECTRICE   FINANCIERE ", "Directrice financière"),
        ("directeur·rice commercial·e", "Directeur commercial"),
        ("V.P. Sales", "VP Sales EMEA"),
        ("HEAD OF SALES-OPS", "Head of Sales Ops"),
    ],
)
def test_case_accents_and_punctuation_do_not_change_the_class(messy, clean):
    assert classify_title(messy) == classify_title(clean)


def test_title_class_is_frozen():
    with pytest.raises(AttributeError):
        classify_title("CEO").seniority = "manager"


def test_classify_titles_keeps_the_index_and_matches_classify_title():
    titles = pd.Series(
        ["Directrice financière", None, "CEO", "Directrice financière", "Stagiaire RH"],
        index=["a", "b", "c", "d", "e"],
    )
    result = classify_titles(titles)
    assert list(result.columns) == ["seniority", "department"]
    assert result.index.tolist() == ["a", "b", "c", "d", "e"]
    assert (result.dtypes == "str").all()
    assert result["seniority"].tolist() == [
        "director", "unknown", "c_level", "director", "individual",
    ]
    assert result["department"].tolist() == ["finance", "other", "other", "finance", "other"]


def test_classify_titles_of_an_empty_series_has_both_columns():
    result = classify_titles(pd.Series([], dtype="str"))
    assert list(result.columns) == ["seniority", "department"]
    assert len(result) == 0
