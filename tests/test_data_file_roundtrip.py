"""What ``data_file.dumps`` writes, xlpkg reads back unchanged (no YAML aliases)."""

from decimal import Decimal
from pathlib import Path

from departments import department

from xlpkg.core.model import from_mapping, to_mapping
from xlpkg.read.data_file import dumps, parse_structured


def test_generated_departments_round_trip_through_yaml_and_json():
    for seed in range(20):
        ds = from_mapping(department(seed))
        for suffix, as_json in ((".yaml", False), (".json", True)):
            text = dumps(ds, as_json=as_json)
            assert "&id" not in text and "*id" not in text
            back = from_mapping(parse_structured(text, Path(f"dept{suffix}")))
            assert to_mapping(back, exact=True) == to_mapping(ds, exact=True), (seed, suffix)


def test_one_decimal_in_two_fields_is_written_twice():
    budget = Decimal("12.50")
    ds = from_mapping({"expenditure": {"total": {"budget_initial": budget,
                                                 "budget_final": budget}}})
    text = dumps(ds)
    assert text.count("12.50") == 2
    data = parse_structured(text, Path("x.yaml"))
    assert data["expenditure"]["total"]["budget_final"] == Decimal("12.50")
