"""The baseline of bench/resident_page.py: a hand-written minimal Flask + Flask-WTF page.

The same questions as juminhyo-copy's ``subject`` page (氏名, フリガナ, 生年月日, 郵便番号, 住所:
the same inputs, names and validation), CSRF by Flask-WTF, the draft in PostgreSQL: one draft read
per GET; per valid POST the read, one UPDATE, the commit and a redirect. What a developer would
write for this one page by hand, without a definition; it shares nothing with formsvc.

    DATABASE_URL=postgresql+psycopg://…/db gunicorn --workers 2 'bench.baseline_app:create_app()'
"""

from __future__ import annotations

import json
import os
import re
import secrets
from datetime import date

from flask import Flask, abort, redirect, render_template, request, session
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import create_engine, text
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

KANA = re.compile(r"^[\u3041-\u3096\u30a1-\u30fa\u30fc\u3000 ]+$")
TABLE = "bench_baseline_drafts"


def _valid_date(form: SubjectForm) -> date | None:
    try:
        return date(int(form.birth_year.data), int(form.birth_month.data), int(form.birth_day.data))
    except (TypeError, ValueError):
        return None


class SubjectForm(FlaskForm):
    # formsvc's input names (subject_name-family …), so that one request body fits both apps.
    name_family = StringField(name="subject_name-family",
                              validators=[DataRequired("氏を入力してください"), Length(max=50)])
    name_given = StringField(name="subject_name-given",
                             validators=[DataRequired("名を入力してください"), Length(max=50)])
    kana_family = StringField(name="subject_kana-family", validators=[DataRequired("フリガナ（氏）を入力してください"),
                                          Regexp(KANA, message="カタカナで入力してください")])
    kana_given = StringField(name="subject_kana-given", validators=[DataRequired("フリガナ（名）を入力してください"),
                                         Regexp(KANA, message="カタカナで入力してください")])
    birth_year = StringField(name="subject_birth_date-year", validators=[DataRequired("年を入力してください")])
    birth_month = StringField(name="subject_birth_date-month", validators=[DataRequired("月を入力してください")])
    birth_day = StringField(name="subject_birth_date-day", validators=[DataRequired("日を入力してください")])
    postal_code = StringField(name="subject_postal_code", validators=[DataRequired("郵便番号を入力してください"),
                                          Regexp(r"^\d{3}-?\d{4}$", message="7桁で入力してください")])
    address_prefecture = StringField(name="subject_address-prefecture",
                                     validators=[DataRequired("都道府県を入力してください")])
    address_city = StringField(name="subject_address-city", validators=[DataRequired("市区町村を入力してください")])
    address_town = StringField(name="subject_address-town", validators=[DataRequired("町名を入力してください")])
    address_block = StringField(name="subject_address-block", validators=[DataRequired("番地を入力してください")])
    address_building = StringField(name="subject_address-building", validators=[Length(max=100)])

    def validate_birth_day(self, field):
        born = _valid_date(self)
        if born is None or born > date.today():
            raise ValidationError("正しい日付を入力してください")


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "bench")
    CSRFProtect(app)
    engine = create_engine(os.environ["DATABASE_URL"])

    def load(token: str | None) -> dict | None:
        if not token:
            return None
        with engine.connect() as connection:
            row = connection.execute(text(f"SELECT answers FROM {TABLE} WHERE token = :t"), {"t": token}).first()
        return None if row is None else row[0]

    @app.get("/token")
    def token():
        # What a start page would carry: a CSRF token for this browser's session.
        from flask_wtf.csrf import generate_csrf

        return generate_csrf()

    @app.post("/start")
    def start():
        token = secrets.token_urlsafe(24)
        with engine.begin() as connection:
            connection.execute(text(f"INSERT INTO {TABLE} (token, answers) VALUES (:t, '{{}}')"), {"t": token})
        session["draft"] = token
        return redirect("/subject")

    @app.route("/subject", methods=["GET", "POST"])
    def subject():
        token = session.get("draft")
        answers = load(token)
        if answers is None:
            abort(404)
        form = SubjectForm(data=answers) if request.method == "GET" else SubjectForm()
        if request.method == "POST" and form.validate():
            with engine.begin() as connection:
                connection.execute(text(f"UPDATE {TABLE} SET answers = :a WHERE token = :t"),
                                   {"a": json.dumps({k: v for k, v in form.data.items() if k != "csrf_token"},
                                                    ensure_ascii=False), "t": token})
            return redirect("/next")
        return render_template("subject.html", form=form)

    @app.get("/next")
    def next_page():
        return "next"

    return app


def create_table(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE IF NOT EXISTS {TABLE} (token text PRIMARY KEY, answers jsonb NOT NULL)"))
    engine.dispose()
