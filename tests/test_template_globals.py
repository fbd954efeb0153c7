"""The template set-up a page's speed asked for (issue 17, formsvc.templating): the templates'
globals answer Jinja's questions as a dict does and still follow the environment; static files'
addresses are url_for's, per script root (a tenant's path prefix); a page's t() is in its language."""

from __future__ import annotations

from flask import Flask, render_template_string, url_for
from jinja2 import DictLoader

from formsvc import templating
from formsvc.templating import TemplateGlobals, static_url


def plain_app() -> Flask:
    app = Flask(__name__)
    app.secret_key = "globals"
    app.config.update(MUNICIPALITY_NAME="デモ市", FORMSVC_DEMO=False)
    templating.init_app(app)
    app.jinja_env.loader = DictLoader({
        "macros.html": "{% macro shout(text) %}{{ text }}{{ suffix }}{% endmacro %}",
        "page.html": '{% from "macros.html" import shout %}{{ shout("a") }}',
    })
    return app


def test_the_templates_globals_follow_the_environment():
    app = plain_app()
    app.jinja_env.globals["suffix"] = "!"
    with app.test_request_context():
        assert app.jinja_env.get_template("page.html").render() == "a!"
        template = app.jinja_env.get_template("macros.html")
        assert isinstance(template.globals, TemplateGlobals)
        # A global added after the templates were loaded is seen, as with Jinja's own ChainMap.
        app.jinja_env.globals["added_later"] = 1
        assert "added_later" in template.globals
        assert "added_later" in set(template.globals.keys())  # Jinja's import compares with keys()
        assert "never_added" not in template.globals
        assert app.jinja_env.from_string("{{ added_later }}").render() == "1"


def test_the_globals_of_a_template_given_its_own_keep_both():
    app = plain_app()
    template = app.jinja_env.from_string("{{ own }}{{ shared }}", globals={"own": "x"})
    app.jinja_env.globals["shared"] = "y"
    assert set(template.globals.keys()) >= {"own", "shared", "range"}
    assert template.globals["own"] == "x" and "own" not in app.jinja_env.globals
    with app.test_request_context():
        assert template.render() == "xy"


def test_a_static_address_is_url_fors_under_each_script_root():
    app = plain_app()
    for root in ("", "/kamakura", "/yokosuka"):
        with app.test_request_context("/", base_url=f"http://localhost{root}/"):
            for filename in ("css/formsvc.css", "js/formsvc.js", "favicon.svg"):
                assert static_url(filename) == url_for("static", filename=filename)
                assert static_url(filename).startswith(f"{root}/static/")
            assert render_template_string("{{ static_url('js/reveal.js') }}") == f"{root}/static/js/reveal.js"


def test_a_pages_t_is_in_its_language(app):
    with app.test_request_context():
        assert render_template_string('{{ t("日本語", "English") }}') == "日本語"
    with app.test_request_context():
        from flask import session

        session["lang"] = "en"
        assert render_template_string('{{ t("日本語", "English") }}|{{ locale }}') == "English|en"


def test_the_language_is_the_sessions_read_through_the_request_context():
    from flask import session

    from formsvc.i18n import current_locale, t

    app = plain_app()
    for stored, expected in ((None, "ja"), ("en", "en"), ("ja", "ja"), ("fr", "ja")):
        with app.test_request_context():
            if stored is not None:
                session["lang"] = stored
            assert current_locale() == expected
            assert t("日本語", "English") == ("English" if expected == "en" else "日本語")
