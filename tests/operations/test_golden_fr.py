"""The FR worked example of measurements.md, from record-level files through the real import:
returns 153 / 163 / 39 against populations 57,288 / 99,626 / 30,000 give ERI 3.20, YRR 1.96, LTR 1.56
(January 2010)."""

from pathlib import Path
from typing import Any

from accord.measurements.engine import round_value
from accord.measurements.selectors import metrics
from tests.operations.helpers import csv_file, do_import


def test_the_fr_worked_example_through_the_import(world: Any, tmp_path: Path) -> None:
    shipments = [
        ["S-ERI", "NW-OTX-100", "2009-09-10", 57288, "SER-ERI"],  # M-4: in the ERI population
        ["S-YRR", "NW-OTX-100", "2008-12-10", 99626, ""],  # M-13: in the YRR population
        ["S-LTR", "NW-OTX-100", "2007-06-10", 30000, ""],  # before M-18: long term
        ["S-NOW", "NW-OTX-100", "2010-01-05", 5000, ""],  # M itself: not in any population
    ]
    result = do_import(
        world,
        "shipments",
        csv_file(
            tmp_path, ["shipment_id", "product_code", "ship_date", "quantity", "serial"], shipments, "s.csv"
        ),
    )
    assert not result.errors and result.created == 4
    returns = [
        [f"E{i}", "NW-OTX-100", "2010-01-12", "2009-10-01" if i else "", "SER-ERI" if i == 0 else ""]
        for i in range(153)
    ]
    returns += [[f"Y{i}", "NW-OTX-100", "2010-01-20", "2009-02-01", ""] for i in range(163)]
    returns += [[f"L{i}", "NW-OTX-100", "2010-01-28", "2007-01-15", ""] for i in range(39)]
    returns += [["X1", "NW-OTX-100", "2010-01-28", "2009-11-01", "", "stock rotation"]]  # excluded
    header = ["return_id", "product_code", "received_date", "ship_date", "serial", "excluded_reason"]
    result = do_import(
        world, "returns", csv_file(tmp_path, header, [r + [""] * (6 - len(r)) for r in returns], "r.csv")
    )
    assert not result.errors and result.created == 356
    rows = {
        r.measure: r
        for r in metrics(world.nw_ta, start="2010-01", end="2010-01", category="ALL")
        if r.measure.startswith("FR.")
    }
    assert (rows["FR.ERI"].numerator, rows["FR.ERI"].denominator) == (153, 57288)
    assert (rows["FR.YRR"].numerator, rows["FR.YRR"].denominator) == (163, 99626)
    assert (rows["FR.LTR"].numerator, rows["FR.LTR"].denominator) == (39, 30000)
    assert [round_value(rows[m].value, m) for m in ("FR.ERI", "FR.YRR", "FR.LTR")] == [3.20, 1.96, 1.56]
    # Re-importing the same file changes nothing and keeps the numbers.
    again = do_import(
        world, "returns", csv_file(tmp_path, header, [r + [""] * (6 - len(r)) for r in returns], "r.csv")
    )
    assert (again.created, again.updated) == (0, 0)
    assert metrics(world.nw_ta, start="2010-01", end="2010-01", category="ALL")[0] is not None


def test_a_return_without_ship_date_or_known_serial_is_an_error(world: Any, tmp_path: Path) -> None:
    header = ["return_id", "product_code", "received_date", "serial"]
    result = do_import(
        world, "returns", csv_file(tmp_path, header, [["R1", "NW-OTX-100", "2010-01-12", "UNKNOWN"]])
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "ship_date")]
