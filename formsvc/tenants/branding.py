"""The colours a municipality may give its pages: the design system's own, each keeping at least
4.5:1 against white both ways (white text on it, it as text or borders on white)."""

from __future__ import annotations

# name → (hex, Japanese label). "blue" is the design system's primary (#0017c1) and the default.
COLOURS: dict[str, tuple[str, str]] = {
    "blue": ("#0017c1", "青"),
    "green": ("#197a4b", "緑"),
    "cyan": ("#00728c", "青緑"),
    "purple": ("#5c10be", "紫"),
    "orange": ("#ac3e00", "橙"),
    "magenta": ("#a90b62", "赤紫"),
}


def colour_hex(name: str) -> str:
    return COLOURS.get(name, COLOURS["blue"])[0]
