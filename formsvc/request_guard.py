"""Control characters refused at the edge, before any view or the database sees them.

No person types NUL or an escape character; they come from broken clients, pasted binary and
attacks, and PostgreSQL cannot store NUL at all (in text nor in JSONB), so one reaching a query
was a 500. Every request passes this one check (registered first in create_app):

- the path may hold no control character: the 404 page (no such page can exist);
- query and form keys may hold none, query and form values none but tab, CR and LF (what a
  textarea or a pasted search holds): the 400 page, saying why;
- except form values on the pages that show what was sent again (the application's questions
  and check page, the YAML editor: formsvc.errors.redisplays_what_was_sent): those say it
  beside the field and keep what was typed, so nothing is lost.

Uploaded files' names are not typed: they are cleaned where they are stored
(formsvc.fields.file.clean_filename).

"Control character" is Unicode's Cc: C0 (U+0000-U+001F), DEL and C1 (U+007F-U+009F).
"""

from __future__ import annotations

import re

from flask import Flask, jsonify, render_template, request
from werkzeug.routing import IntegerConverter

from formsvc.errors import redisplays_what_was_sent
from formsvc.i18n import t

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
REFUSED_JA = "使用できない文字（制御文字）が含まれていたため、受け付けられませんでした"


def has_refused_characters(text: str) -> bool:
    """Whether a typed value holds a control character other than tab, CR and LF."""
    return CONTROL_IN_TEXT.search(text) is not None


def replace_refused_characters(text: str, replacement: str = "\ufffd") -> str:
    """``text`` with each refused character made visible (as �), to show it to whoever typed it."""
    return CONTROL_IN_TEXT.sub(replacement, text)


class DatabaseIntegerConverter(IntegerConverter):
    """<id:…> in a URL: a row's number, at most what an id column holds (INTEGER: 2**31 − 1).
    Werkzeug's <int:…> takes any number of digits, and a larger one reached the database as an
    error (500) instead of "not found". (Positions in a list stay <int:…>: a page sends a forged
    position back to its list.)"""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, MAX_DATABASE_INTEGER if max is None else max, signed)


MAX_DATABASE_INTEGER = 2**31 - 1
_DATABASE_INTEGER_TEXT = re.compile(r"[0-9]{1,10}")


def database_integer(text: str | None) -> int | None:
    """A number typed into a query or form that names a row (an id, a version number), or None.
    ASCII digits only — str.isdigit() also accepts "²", which int() refuses, and "١", which it
    reads — and no more than the INTEGER column holds."""
    if text is None or not _DATABASE_INTEGER_TEXT.fullmatch(text):
        return None
    value = int(text)
    return value if value <= MAX_DATABASE_INTEGER else None


def init_app(app: Flask) -> None:
    # Before any blueprint adds its rules: each rule builds its converters when it is added.
    app.url_map.converters["id"] = DatabaseIntegerConverter
    app.before_request(refuse_control_characters)


def refuse_control_characters():
    # Every request pays for this: what is not sent is not parsed (a page's GET has no body and
    # mostly no query string), and the request is looked up once rather than through the proxy.
    sent = request._get_current_object()  # type: ignore[attr-defined]
    if CONTROL.search(sent.path):
        return _refusal(404)
    if sent.query_string and any(CONTROL.search(key) or has_refused_characters(value)
                                 for key, value in sent.args.items(multi=True)):
        return _refusal(400)
    # Without a body Werkzeug parses none (form and files are empty).
    if not sent.want_form_data_parsed:
        return None
    if any(_bad_key(key) for key in (*sent.form.keys(), *sent.files.keys())):
        return _refusal(400)
    if any(has_refused_characters(value) for _, value in sent.form.items(multi=True)) \
            and not redisplays_what_was_sent():
        return _refusal(400)
    return None


def _bad_key(key: str | None) -> bool:
    # A multipart part whose name held a line break reaches us with no name at all.
    return not isinstance(key, str) or CONTROL.search(key) is not None


def _refusal(code: int):
    if request.path.startswith("/api/"):
        # The API's own error format (formsvc.review.api).
        if code == 404:
            body = {"error": "not_found", "message": "そのURLはありません"}
        else:
            body = {"error": "bad_request", "message": REFUSED_JA + "。"}
        response = jsonify(body)
        response.status_code = code
        return response
    if code == 404:
        return render_template("errors/404.html"), 404
    return render_template("errors/400.html", reason=t(
        REFUSED_JA + "。前のページに戻り、入力した内容を確かめてください。",
        "What was sent contained control characters, which cannot be used, so it was not accepted. "
        "Go back and check what you entered.")), 400
