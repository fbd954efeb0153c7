"""Why a regular expression cannot be read, in Japanese: Python's ``re.error`` messages
(「unterminated character set at position 1」) told as what to fix, with the place as 「N文字目」."""

from __future__ import annotations

import re

# Python's message (without " at position N") -> what to tell the author. Tried in order.
_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), words) for pattern, words in (
    (r"unterminated character set",
     "「[」が閉じていません。「]」で閉じてください（「[」を文字として使うときは「\\[」と書きます）"),
    (r"missing \), unterminated subpattern",
     "「(」が閉じていません。「)」で閉じてください（「(」を文字として使うときは「\\(」と書きます）"),
    (r"unbalanced parenthesis",
     "「)」に対応する「(」がありません（「)」を文字として使うときは「\\)」と書きます）"),
    (r"nothing to repeat", "繰り返す対象がない「*」「+」「?」「{」があります。前に文字を書くか、"
                           "文字として使うときは「\\*」のように「\\」を前に付けてください"),
    (r"multiple repeat", "繰り返しの記号（「*」「+」「?」「{ }」）が続いています。1つにしてください"),
    (r"bad escape \(end of pattern\)", "最後が「\\」で終わっています。「\\」を文字として使うときは「\\\\」と書きます"),
    (r"bad escape (?P<escape>\\.+)", "不正なエスケープ「{escape}」があります。「\\」の後ろの文字を確かめてください"
                                     "（「\\」を文字として使うときは「\\\\」と書きます）"),
    (r"bad character range (?P<range>.+)", "文字の範囲「{range}」が正しくありません。「-」の前の文字を後ろの文字より"
                                           "前のものにしてください（例: a-z、0-9）"),
    (r"min repeat greater than max repeat", "「{m,n}」の回数が逆です。小さい回数を先に書いてください（例: {2,5}）"),
    (r"look-behind requires fixed-width pattern", "後読み「(?<=…)」「(?<!…)」の中には、長さの決まった形だけを書けます"),
    (r"global flags not at the start", "「(?i)」などの指定は、正規表現の先頭に書いてください"),
    (r"(?:unknown|invalid) group (?:name|reference)",
     "存在しないグループを参照しています。参照する番号や名前を確かめてください"),
    (r"unknown extension", "「(?」の後ろの書き方が正しくありません。グループにするだけなら「(?:…)」と書きます"),
))
_GENERIC = "書き方が正しくありません。かっこの対応や「\\」の使い方を確かめてください"


def regex_problem(error: re.error | OverflowError | RecursionError) -> str:
    """``error`` of compiling a regular expression, in Japanese with its place (「2文字目」)."""
    if not isinstance(error, re.error):
        return "正規表現として読めません: 繰り返しの回数が大きすぎるか、入れ子が深すぎます"
    text = str(error.msg)
    words = _GENERIC
    for pattern, template in _WORDS:
        match = pattern.match(text)
        if match is not None:
            words = template
            for name, found in match.groupdict().items():
                words = words.replace("{" + name + "}", found)
            break
    where = f"（{error.pos + 1}文字目）" if isinstance(error.pos, int) else ""
    return f"正規表現として読めません{where}: {words}"
