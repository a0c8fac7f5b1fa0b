"""Schema checks of the processed tables (ingest/schema.py)."""

from __future__ import annotations

import pandas as pd
import pandera.errors
import pytest

from ikuanalysis.ingest.schema import aggregate_schema, cases_schema, check_processed


def cases(**overrides) -> pd.DataFrame:
    row = {"component": "x2", "case_id": "0" * 32, "no_kk_hash": "", "jenis": "Pengemis", "kecamatan": "Pahandut",
           "kelurahan": "Langkai", "tanggal": pd.Timestamp("2025-03-01"), "is_handled": True, "row_count": 1,
           "source_file": "x2.xlsx", "source_sheet": "Data", "source_row": 2}
    row.update(overrides)
    frame = pd.DataFrame([row])
    return frame.astype({"tanggal": "datetime64[s]", "row_count": "int64", "source_row": "int64"})


def aggregate(numerator=1, denominator=1, kecamatan="Pahandut") -> pd.DataFrame:
    return pd.DataFrame([{"component": "x2", "kecamatan": kecamatan, "jenis": "Pengemis", "source": "register",
                          "numerator": numerator, "denominator": denominator}])


def test_consistent_tables_pass(settings):
    check_processed(cases(), aggregate(), settings)
    cases_schema(settings).validate(cases(tanggal=pd.NaT))
    cases_schema(settings).validate(cases(no_kk_hash="f" * 32))  # a case with a No. KK: its keyed hash
    aggregate_schema(settings).validate(aggregate(kecamatan=""))


@pytest.mark.parametrize("overrides", [{"component": "x5"}, {"case_id": "6271000000000001"},
                                       {"no_kk_hash": "6271000000000001"}, {"kecamatan": "Kapuas"}, {"row_count": 0}])
def test_a_bad_case_row_is_refused(settings, overrides):
    with pytest.raises(pandera.errors.SchemaErrors):
        check_processed(cases(**overrides), aggregate(), settings)


@pytest.mark.parametrize("column", ["nik", "no_kk", "nama"])
def test_a_personal_column_is_refused(settings, column):
    with pytest.raises(pandera.errors.SchemaErrors):
        cases_schema(settings).validate(cases().assign(**{column: "6271000000000001"}), lazy=True)


def test_numerator_above_denominator_is_refused(settings):
    with pytest.raises(pandera.errors.SchemaErrors, match="numerator <= denominator"):
        aggregate_schema(settings).validate(aggregate(numerator=2, denominator=1), lazy=True)


def test_an_aggregate_that_does_not_add_up_to_the_cases_is_refused(settings):
    with pytest.raises(ValueError, match="does not reconcile"):
        check_processed(cases(), aggregate(numerator=1, denominator=2), settings)
    with pytest.raises(ValueError, match="does not reconcile"):
        check_processed(cases(is_handled=False), aggregate(), settings)


@pytest.mark.parametrize("case_id", ["0" * 32, "not a hash"])
def test_a_case_twice_in_a_component_is_refused_and_located(settings, case_id):
    twice = pd.concat([cases(case_id=case_id), cases(case_id=case_id), cases(case_id="f" * 32),
                       cases(case_id=case_id, component="x1")], ignore_index=True)
    with pytest.raises(pandera.errors.SchemaErrors, match=r"\(component, case_id\) unique") as caught:
        cases_schema(settings).validate(twice, lazy=True)
    failures = caught.value.failure_cases
    twice_rows = failures[failures["check"] == "(component, case_id) unique"]["index"]
    assert sorted(twice_rows.dropna().astype(int).unique().tolist()) == [0, 1]


def test_the_same_case_id_in_two_components_is_two_cases(settings):
    two = pd.concat([cases(case_id="a" * 32), cases(case_id="a" * 32, component="x1"), cases(case_id="b" * 32)],
                    ignore_index=True)
    cases_schema(settings).validate(two, lazy=True)
