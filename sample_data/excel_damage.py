"""What Excel does to IDs typed by sales staff: the sales workbook's cell values.

Phones made only of digits become numbers (harmless for 11 digits); some 信用代码 become numbers
that keep only 15 significant digits, or text copied from the display (``9.14403E+17``); postcodes
become numbers and lose their leading zero. Each damaged value is logged as a defect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sample_data.defects import DefectLog

FILE = "sales/customers.xlsx"
P_DAMAGED_USCC = 0.6


def truncate_to_15_digits(code: str) -> float:
    """The number Excel keeps for an all-digit code: 15 significant digits, the rest zeros."""
    return float(int(code[:15]) * 10 ** (len(code) - 15))


def sales_cell_values(rng: np.random.Generator, rec: pd.DataFrame, log: DefectLog) -> pd.DataFrame:
    """Cell values (str, int or float) for the sales workbook's ID-like columns, in record order."""
    n = len(rec)
    u = rng.random((n, 2))
    uscc_cells: list[object] = []
    phone_cells: list[object] = []
    postcode_cells: list[object] = []
    for i in range(n):
        key = rec["source_record_id"].iat[i]
        uscc, phone, postcode = rec["uscc"].iat[i], rec["phone"].iat[i], rec["postcode"].iat[i]
        if uscc and uscc.isdigit() and len(uscc) == 18 and u[i, 0] < P_DAMAGED_USCC:
            if u[i, 1] < 0.5 and uscc[15:] != "000":
                value: object = truncate_to_15_digits(uscc)
                log.add(
                    "sales",
                    FILE,
                    "customer",
                    key,
                    "信用代码",
                    "truncated_id",
                    f"stored as the number {uscc[:15]}{'0' * (len(uscc) - 15)}; true {uscc}",
                )
            else:
                value = f"{float(uscc):.5E}"
                log.add(
                    "sales",
                    FILE,
                    "customer",
                    key,
                    "信用代码",
                    "sci_notation_id",
                    f"stored as the text {value}; true {uscc}",
                )
            uscc_cells.append(value)
        else:
            uscc_cells.append(uscc or None)
        phone_cells.append(
            int(phone)
            if phone.isascii() and phone.isdigit() and not phone.startswith("0")
            else (phone or None)
        )
        if postcode and postcode.isdigit():
            if postcode.startswith("0"):
                log.add(
                    "sales",
                    FILE,
                    "customer",
                    key,
                    "邮编",
                    "lost_leading_zero",
                    f"stored as the number {int(postcode)}; true {postcode}",
                )
            postcode_cells.append(int(postcode))
        else:
            postcode_cells.append(postcode or None)
    return pd.DataFrame(
        {"uscc_cell": uscc_cells, "phone_cell": phone_cells, "postcode_cell": postcode_cells}, index=rec.index
    )
