"""全国地方公共団体コード: five digits and a check digit (JIS X 0402, modulus 11)."""

from __future__ import annotations

WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(first_five: str) -> str:
    """The sixth digit: 11 minus the weighted sum modulo 11, its last digit (so 11 → 1, 10 → 0)."""
    total = sum(int(digit) * weight for digit, weight in zip(first_five, WEIGHTS, strict=True))
    return str((11 - total % 11) % 10)


def code_problem(code: str) -> str | None:
    """Why ``code`` is not a 団体コード (in Japanese), or None. Half-width digits only: callers
    normalise full-width input first."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return "団体コードは半角数字6桁で入力してください（例：131016）"
    if not 1 <= int(code[:2]) <= 47:
        return "団体コードの最初の2桁は都道府県コード（01〜47）です"
    expected = check_digit(code[:5])
    if code[5] != expected:
        return f"団体コードの検査数字（6桁目）が合いません。{code[:5]} の検査数字は {expected} です"
    return None
