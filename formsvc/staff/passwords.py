"""What makes a staff password acceptable: long enough, and not guessable in the first tries.

Length alone lets through "password1234" and "123456789012". Refused as well: the most common
passwords (the 30,000 of zxcvbn's ranked list, from leaked password sets), also as the word a password
is built around (digits and symbols added at either end, letters swapped for look-alikes:
"P@ssw0rd2024!"); a single character or a short pattern repeated; runs of the alphabet, of
digits, of the kana table or along the keyboard; and the account's own user name.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12

TOO_SHORT = f"パスワードは{MIN_LENGTH}文字以上にしてください"
COMMON = ("パスワードに、よく使われているもの（password、iloveyou など）や、それに数字や記号を足しただけのものは"
          "使えません。推測されにくい言葉をいくつか組み合わせてください")
REPEATED = "パスワードに、同じ文字や同じ並びの繰り返し（aaaa…、abcabc… など）は使えません"
SEQUENCE = "パスワードに、123456… や abcdef…、あいうえお…、キーボードの並び（qwerty… など）は使えません"
CONTAINS_USERNAME = "パスワードにユーザー名を含めないでください"

# Runs people type without thinking: read forwards or backwards, and round the end.
SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "qwertyuiopasdfghjklzxcvbnm",
    "1234567890qwertyuiop",
    "1q2w3e4r5t6y7u8i9o0p",
    "q1w2e3r4t5y6u7i8o9p0",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
    "zaq1xsw2cde3vfr4bgt5nhy6mju7",
    "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん",
)
# Look-alike characters, back to the letter they stand for ("p@ssw0rd" is "password").
LOOK_ALIKES = str.maketrans({"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s",
                             "7": "t", "+": "t"})
# Digits, symbols and spaces at either end of the word a password is built around.
_PADDING = re.compile(r"^[\W\d_]+|[\W\d_]+$")


@cache
def common_passwords() -> frozenset[str]:
    # zxcvbn is the maintained source of the list (ranked by frequency); only its data is used,
    # so the rules and messages stay ours and in Japanese.
    return frozenset(word.casefold() for word in FREQUENCY_LISTS["passwords"])


def problem(password: str, username: str | None = None) -> str | None:
    """Why ``password`` may not be used (a Japanese sentence), or None if it may."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    # Fullwidth letters and digits count as the ordinary ones; case does not matter.
    folded = unicodedata.normalize("NFKC", password).casefold()
    core = _PADDING.sub("", folded)
    if username and len(username) >= 3 and unicodedata.normalize("NFKC", username).casefold() in folded:
        return CONTAINS_USERNAME
    # The core too, when it is most of the password ("aaaaaaaaaaa1", "abcdefgh2024"). Patterns come
    # before the list, whose many keyboard runs would otherwise get the less telling message.
    for text in (folded, core) if len(core) >= MIN_LENGTH // 2 else (folded,):
        if _repeated(text):
            return REPEATED
        if _in_sequence(text):
            return SEQUENCE
    common = common_passwords()
    if {folded, core, core.translate(LOOK_ALIKES), core.replace("1", "l").translate(LOOK_ALIKES)} & common:
        return COMMON
    return None


def _repeated(text: str) -> bool:
    """The whole text is one piece said again and again ("aaaa", "abcabcabc", "passpass")."""
    return re.fullmatch(r"(.+?)\1+", text, flags=re.S) is not None


def _in_sequence(text: str) -> bool:
    for sequence in SEQUENCES:
        rounds = len(text) // len(sequence) + 2
        for direction in (sequence, sequence[::-1]):
            if text in direction * rounds:
                return True
    return False
