"""Damage Excel does to identifiers is detected, never guessed away (except re-padding zeros)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cleansing.id_damage import IdExpectation, detect_id_damage, restore_leading_zeros


def test_scientific_notation_truncation_and_lost_zeros_are_told_apart() -> None:
    values = pd.Series(
        [
            "9.14403E+17",
            "914403001922038000",
            "914403001922038216",
            "91440300708461136T",
            "10000",
            "010000",
            None,
            "9144030070846113E5",
        ]
    )
    numeric = np.array([False, False, True, False, True, False, False, False])
    damage = detect_id_damage(values, numeric, IdExpectation(length=6))
    assert damage.tolist() == [
        "scientific_notation",
        "truncated_15_digits",
        "truncated_15_digits",
        "",
        "lost_leading_zeros",
        "",
        "",
        "",
    ]


def test_long_text_code_ending_in_zeros_is_flagged_only_past_fifteen_digits() -> None:
    values = pd.Series(["123456789012000", "1234567890123450000", "1234567890123456789"])
    assert detect_id_damage(values).tolist() == ["", "truncated_15_digits", ""]


def test_restore_pads_only_flagged_codes() -> None:
    values = pd.Series(["10000", "518000", "7"])
    damage = detect_id_damage(values, None, IdExpectation(length=6))
    assert restore_leading_zeros(values, damage, 6).tolist() == ["010000", "518000", "000007"]
