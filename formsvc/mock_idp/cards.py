"""The fictional test cards of the mock provider, and the claims each one carries.

Every person, address and PIN here is made up for demonstrations and tests (the addresses use real
postal codes and towns so that address look-ups agree). Birthdates are computed from today's date
in Japan, so that each card keeps the age it is described with (the 17-year-old stays 17).

A card never carries a 個人番号 (My Number): the real authentication app does not return it either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from formsvc import clock

VALID = "valid"
EXPIRED = "expired"  # the 利用者証明用電子証明書 has passed its expiry date
REVOKED = "revoked"  # the certificate was revoked (失効), e.g. after the card was reported lost

# Scopes of the 基本4情報 and the claim each one releases.
IDENTITY_SCOPES = ("name", "address", "birthdate", "gender")


def today_in_japan() -> date:
    return clock.today()


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def age_on(birthdate: date, day: date) -> int:
    return day.year - birthdate.year - ((day.month, day.day) < (birthdate.month, birthdate.day))


@dataclass(frozen=True)
class MockCard:
    """One fictional My Number card (its 基本4情報, its PIN and its certificate's state)."""

    id: str
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    gender: str  # "male" or "female" (OpenID Connect values)
    age: int
    # Days since the last birthday: the birthdate is `age` years and this many days before today.
    days_since_birthday: int
    postal_code: str
    prefecture: str
    city: str
    town_and_number: str  # 町域 + 番地 (丁目・番・号 written with hyphens, as on most cards)
    building: str
    pin: str  # the 4-digit 利用者証明用 PIN (shown on the mock page: this is a demo)
    description_ja: str
    description_en: str
    status: str = VALID

    @property
    def name(self) -> str:
        """氏 and 名 separated by one space, as the real app returns it."""
        return f"{self.family_name} {self.given_name}"

    @property
    def name_kana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}"

    def birthdate(self, today: date | None = None) -> date:
        today = today or today_in_japan()
        return years_before(today, self.age) - timedelta(days=self.days_since_birthday)

    def certificate_expired_on(self, today: date | None = None) -> date | None:
        """When an expired card's 利用者証明用電子証明書 expired (it expires on a birthday)."""
        if self.status != EXPIRED:
            return None
        today = today or today_in_japan()
        return today - timedelta(days=self.days_since_birthday)

    @property
    def street_address(self) -> str:
        return f"{self.town_and_number} {self.building}" if self.building else self.town_and_number

    @property
    def formatted_address(self) -> str:
        """The address as printed on the card (which has no postal code)."""
        return f"{self.prefecture}{self.city}{self.street_address}"

    def address_claim(self) -> dict[str, str]:
        """The OpenID Connect address object."""
        return {
            "formatted": self.formatted_address,
            "postal_code": self.postal_code,
            "region": self.prefecture,
            "locality": self.city,
            "street_address": self.street_address,
        }

    def claims(self, scopes: tuple[str, ...] | list[str] | set[str], today: date | None = None) -> dict:
        """The 基本4情報 released for the granted scopes (never a 個人番号)."""
        claims: dict = {}
        if "name" in scopes:
            claims["name"] = self.name
        if "address" in scopes:
            claims["address"] = self.address_claim()
        if "birthdate" in scopes:
            claims["birthdate"] = self.birthdate(today).isoformat()
        if "gender" in scopes:
            claims["gender"] = self.gender
        return claims


TEST_CARDS: tuple[MockCard, ...] = (
    MockCard(
        id="yamada-taro", family_name="山田", given_name="太郎",
        family_name_kana="ヤマダ", given_name_kana="タロウ", gender="male", age=45,
        days_since_birthday=120, postal_code="330-0063", prefecture="埼玉県",
        city="さいたま市浦和区", town_and_number="高砂3-15-1", building="", pin="1234",
        description_ja="40代の男性（標準的なテスト用）", description_en="Man in his 40s (the usual test card)",
    ),
    MockCard(
        id="sato-hanako", family_name="佐藤", given_name="花子",
        family_name_kana="サトウ", given_name_kana="ハナコ", gender="female", age=26,
        days_since_birthday=45, postal_code="105-0011", prefecture="東京都", city="港区",
        town_and_number="芝公園4-2-8", building="タワーマンション1205号", pin="1234",
        description_ja="20代の女性（住所に建物名と部屋番号があります）",
        description_en="Woman in her 20s (address with a building and flat number)",
    ),
    MockCard(
        id="suzuki-shota", family_name="鈴木", given_name="翔太",
        family_name_kana="スズキ", given_name_kana="ショウタ", gender="male", age=17,
        days_since_birthday=200, postal_code="060-0042", prefecture="北海道",
        city="札幌市中央区", town_and_number="大通西1-2-3", building="", pin="1234",
        description_ja="17歳（未成年）", description_en="17 years old (a minor)",
    ),
    MockCard(
        id="takahashi-ume", family_name="高橋", given_name="ウメ",
        family_name_kana="タカハシ", given_name_kana="ウメ", gender="female", age=91,
        days_since_birthday=300, postal_code="690-0887", prefecture="島根県", city="松江市",
        town_and_number="殿町1番地", building="", pin="1234",
        description_ja="91歳の高齢者（番地だけの住所）", description_en="91 years old (address with a lot number only)",
    ),
    MockCard(
        id="kadenokoji", family_name="勘解由小路", given_name="左衛門三郎之丞龍之介",
        family_name_kana="カデノコウジ", given_name_kana="サエモンサブロウノジョウリュウノスケ",
        gender="male", age=38, days_since_birthday=10, postal_code="901-1111", prefecture="沖縄県",
        city="島尻郡南風原町", town_and_number="兼城123-45",
        building="ニューサンシャインガーデンヒルズ南風原ステーションフロントタワー第二期棟3001号",
        pin="1234",
        description_ja="とても長い氏名と住所（表示や入力欄の長さの確認用）",
        description_en="A very long name and address (for checking field lengths)",
    ),
    MockCard(
        id="tanaka-ichiro", family_name="田中", given_name="一郎",
        family_name_kana="タナカ", given_name_kana="イチロウ", gender="male", age=52,
        days_since_birthday=20, postal_code="530-0001", prefecture="大阪府", city="大阪市北区",
        town_and_number="梅田1-2-3", building="", pin="1234", status=EXPIRED,
        description_ja="電子証明書の有効期限が切れたカード（認証できません）",
        description_en="Certificate expired (refused)",
    ),
    MockCard(
        id="ito-misaki", family_name="伊藤", given_name="美咲",
        family_name_kana="イトウ", given_name_kana="ミサキ", gender="female", age=34,
        days_since_birthday=150, postal_code="810-0001", prefecture="福岡県", city="福岡市中央区",
        town_and_number="天神2-4-6", building="天神ハイツ305", pin="1234", status=REVOKED,
        description_ja="電子証明書が失効したカード（紛失の届出済み・認証できません）",
        description_en="Certificate revoked after the card was reported lost (refused)",
    ),
)

CARDS_BY_ID = {card.id: card for card in TEST_CARDS}


def card_by_id(card_id: str | None) -> MockCard | None:
    return CARDS_BY_ID.get(card_id or "")
