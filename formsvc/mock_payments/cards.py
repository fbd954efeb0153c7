"""The mock's test card numbers (the pages and the README list them)."""

from __future__ import annotations

from dataclasses import dataclass

SUCCEEDS, DECLINED, THREE_D_SECURE, TIMES_OUT = "succeeds", "declined", "3ds", "times_out"

# The one-time code of the 3-D Secure (本人認証) challenge; the demo page shows it.
THREE_D_SECURE_CODE = "123456"


@dataclass(frozen=True)
class TestCard:
    number: str
    outcome: str
    label: str   # what happens, for the pages


TEST_CARDS = (
    TestCard("4111111111111111", SUCCEEDS, "支払いが完了します"),
    TestCard("4000000000000002", DECLINED, "カード会社に拒否されます（残高不足など）"),
    TestCard("4000000000003220", THREE_D_SECURE,
             f"本人認証（3-Dセキュア）を求められます。ワンタイムパスワードは {THREE_D_SECURE_CODE}"),
    TestCard("4000000000000119", TIMES_OUT, "決済処理がタイムアウトします（処理エラー）"),
)
BY_NUMBER = {card.number: card for card in TEST_CARDS}


def spaced(number: str) -> str:
    """4111 1111 1111 1111"""
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def luhn_valid(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0


def outcome_of(number: str) -> str | None:
    """What the test card does; None for any other number (the mock takes no real card)."""
    card = BY_NUMBER.get(number)
    return card.outcome if card is not None else None
