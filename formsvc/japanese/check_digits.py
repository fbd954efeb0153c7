"""保険者番号 (health insurer number) check digit (検証番号).

A 保険者番号 is printed on every health insurance card (保険証, 資格確認書):
- 8 digits for employees' and other insurers: 法別番号 (2) + 都道府県番号 (2) + 保険者別番号 (3)
  + 検証番号 (1), e.g. 協会けんぽ 01130012;
- 6 digits for 国民健康保険 (市町村 and 国保組合): 都道府県番号 (2) + 保険者別番号 (3) + 検証番号 (1),
  e.g. 138016.

The rule is 厚生労働省「保険者番号設定要領」 (the same one 医事 systems check when a card is
registered):
  (1) multiply the digits before the check digit by 2 and 1 alternately, starting with 2 at the
      last of them (the rightmost);
  (2) add up the products, a two-digit product counting as the sum of its digits;
  (3) the check digit is 10 minus the last digit of that sum, or 0 when the last digit is 0.
The rule as quoted, with the worked example 33120015 (千葉県警察共済: 3×2, 3×1, 1×2, 2×1, 0×2,
0×1, 1×2 from the left = 15, so 10 − 5 = 5): http://www5f.biglobe.ne.jp/~h-it/mlcont/mc0124.htm and
https://iryoujimu-blog.com/2018/05/15/ (保険者番号、受給者番号の仕組みは検証番号で設定される).
Other published numbers tests/japanese/test_check_digits.py checks: 01040013 協会けんぽ宮城支部
(http://www.kyoukaikenpo.or.jp/shibu/miyagi/20170308001), 01130012 協会けんぽ東京支部, 138016
a 国民健康保険 in 東京都. The 都道府県番号 is the first two digits of a 国保 number and the third
and fourth of the others (https://media.moneyforward.com/articles/7386).

Like the other validators of this package it works on ASCII digits; callers normalise full-width
digits and separators first (formsvc.japanese.width).
"""

from __future__ import annotations

import re

_INSURER_NUMBER = re.compile(r"[0-9]{6}|[0-9]{8}")


def insurer_number_check_digit(preceding: str) -> int:
    """The 検証番号 for the digits before it (5 for a 国保 number, 7 otherwise).

    Raises ValueError unless ``preceding`` is 5 or 7 ASCII digits.
    """
    if not re.fullmatch(r"[0-9]{5}|[0-9]{7}", preceding):
        raise ValueError("expected the 5 or 7 ASCII digits before the check digit")
    total = 0
    for position, char in enumerate(reversed(preceding)):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10  # a two-digit product counts as its digits' sum
    return (10 - total % 10) % 10


def prefecture_code(number: str) -> int | None:
    """The 都道府県番号 of a 6- or 8-digit 保険者番号 (its first two digits after the 法別番号)."""
    if not _INSURER_NUMBER.fullmatch(number):
        return None
    return int(number[:2] if len(number) == 6 else number[2:4])


def is_insurer_number_shape(number: str) -> bool:
    """6 or 8 ASCII digits: the only lengths a 保険者番号 has."""
    return _INSURER_NUMBER.fullmatch(number) is not None


def is_valid_insurer_number(number: str) -> bool:
    """True for 6 or 8 ASCII digits with a 都道府県番号 (01–47) and the right 検証番号.

    The 都道府県番号 is checked too, because the check digit alone accepts 000000.
    """
    if not is_insurer_number_shape(number):
        return False
    if not 1 <= (prefecture_code(number) or 0) <= 47:
        return False
    return insurer_number_check_digit(number[:-1]) == int(number[-1])
