"""フリガナ normalisation to full-width katakana."""

import pytest

from formsvc.japanese.kana import is_katakana, to_katakana


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("やまだ たろう", "ヤマダ　タロウ"),
        ("ヤマダ　タロウ", "ヤマダ　タロウ"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ　タロウ"),
        ("ｶﾞｷﾞｸﾞｹﾞｺﾞ", "ガギグゲゴ"),
        ("ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ", "パピプペポ"),
        ("ｳﾞｧｲｵﾘﾝ", "ヴァイオリン"),
        ("ｼﾞｮﾝ･ｽﾐｽ", "ジョン・スミス"),
        ("ｽｰﾊﾟｰ", "スーパー"),
        ("ﾜﾞ", "ヷ"),  # jaconv alone leaves 'ワﾞ'
        ("ゔぁ", "ヴァ"),
        ("  やまだ   たろう  ", "ヤマダ　タロウ"),
        ("やまだ\u3000\u3000たろう", "ヤマダ　タロウ"),
        ("やまだ \u3000 たろう", "ヤマダ　タロウ"),
        ("カ\u3099", "ガ"),  # decomposed voiced mark (macOS)
        ("か\u3099", "ガ"),
        ("たなか123", "タナカ123"),  # other characters kept, is_katakana rejects
        ("", ""),
    ],
)
def test_to_katakana(text: str, expected: str) -> None:
    assert to_katakana(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ヤマダ",
        "ヤマダ　タロウ",
        "ジョン・スミス",
        "スーパー",
        "ヴァイオリン",
        "ヶ",
        "ササキ　ミスヾ",
        # normalised before the check
        "やまだ たろう",
        "ﾔﾏﾀﾞ ﾀﾛｳ",
    ],
)
def test_is_katakana_accepts(text: str) -> None:
    assert is_katakana(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "　",
        "ー",
        "・",
        "山田",
        "ヤマダ太郎",
        "Yamada",
        "ヤマダ1",
        "ヤマダ-タロウ",
        "ヤマダ(タロウ)",
        "ワ\u3099\u3099",  # stray combining mark
    ],
)
def test_is_katakana_rejects(text: str) -> None:
    assert not is_katakana(text)
