from __future__ import annotations

import pandas as pd
import pytest

from cleansing.company_names import parse_company_name
from cleansing.latin_legal_forms import load_latin_legal_forms, split_latin_legal_form
from foundation.errors import UserError
from mdm.dedupe import deduplicate
from mdm.spec import parse_spec


@pytest.mark.parametrize(
    ("name", "core", "legal_form"),
    [
        ("Koninklijke Philips Electronics N.V.", "KONINKLIJKE PHILIPS ELECTRONICS", "N.V."),
        ("Koninklijke Philips Electronics NV", "KONINKLIJKE PHILIPS ELECTRONICS", "NV"),
        ("Koninklijke Philips Electronics N V", "KONINKLIJKE PHILIPS ELECTRONICS", "N V"),
        ("Siemens Aktiengesellschaft", "SIEMENS", "AKTIENGESELLSCHAFT"),
        ("Bosch GmbH & Co. KG", "BOSCH", "GMBH & CO. KG"),
        ("Fiat S.p.A.", "FIAT", "S.P.A."),
        ("Sanofi SA", "SANOFI", "SA"),
        ("Nokia Oyj", "NOKIA", "OYJ"),
        ("Maersk A/S", "MAERSK", "A/S"),
        ("Toyota Jidosha Kabushiki Kaisha", "TOYOTA JIDOSHA", "KABUSHIKI KAISHA"),
        ("Toyota Jidosha K.K.", "TOYOTA JIDOSHA", "K.K."),
        ("Cemex S.A. de C.V.", "CEMEX", "S.A. DE C.V."),
        ("Acme Pty Ltd", "ACME", "PTY LTD"),
        ("Société Générale Société Anonyme", "SOCIÉTÉ GÉNÉRALE", "SOCIÉTÉ ANONYME"),
        ("Société Générale Societe Anonyme", "SOCIÉTÉ GÉNÉRALE", "SOCIETE ANONYME"),
        ("Volvo Aktiebolag", "VOLVO", "AKTIEBOLAG"),
        ("Orlen Sp. z o.o.", "ORLEN", "SP. Z O.O."),
    ],
)
def test_legal_forms_of_many_languages_and_spellings_leave_the_name(name, core, legal_form):
    parts = parse_company_name(name)
    assert (parts.core, parts.legal_form) == (core, legal_form)


@pytest.mark.parametrize("name", ["STAG", "NV", "A B", "Plan B", "Unilever V", "Sabco"])
def test_a_name_without_a_trailing_form_or_made_of_one_is_kept(name):
    assert split_latin_legal_form(name.upper()) == (name.upper(), None)


def test_single_letters_of_a_name_before_its_form_stay_in_the_name():
    assert split_latin_legal_form("PLAN B AG") == ("PLAN B", "AG")


def test_a_steward_adds_a_form(tmp_path):
    path = tmp_path / "latin_legal_forms.yaml"
    path.write_text("latin_legal_forms: [S C S]\n", encoding="utf-8")
    assert split_latin_legal_form("ACME S.C.S.", path) == ("ACME", "S.C.S.")
    path.write_text("forms: [S C S]\n", encoding="utf-8")
    load_latin_legal_forms.cache_clear()
    with pytest.raises(UserError, match="latin_legal_forms"):
        load_latin_legal_forms(path)


def test_spellings_of_one_legal_form_compare_as_one_name():
    spec = parse_spec({"record_id": "id", "entity": "organisation", "columns": {"company_name": "name"}})
    trade = ["Zorbax Holding", "Quillon Fabriek", "Vendrix Chemie"]
    rows = [f"{t} {f}" for t in trade for f in ("N.V.", "NV", "N V")]
    frame = pd.DataFrame({"id": [f"R{i:02d}" for i in range(len(rows))], "name": rows})
    pairs = deduplicate(frame, spec, progress=False, pairs_min_probability=0.0).pairs
    same = (
        pairs["left_record_id"].str[1:].astype(int) // 3 == pairs["right_record_id"].str[1:].astype(int) // 3
    )
    assert same.sum() == 9
    assert (pairs.loc[same, "company_name_level"] == "core_exact").all()
