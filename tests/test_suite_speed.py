"""What the test suite does to run faster must not change what the tests check.

tests/conftest.py shares compiled templates and URL builders between the apps of a run,
hashes staff passwords at argon2's lowest cost, lets the throw-away test databases commit
without waiting for the disk and empties PostgreSQL's tables in one round trip; these tests
hold each of them to that.
"""

from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher, Type
from jinja2 import DictLoader, Environment
from sqlalchemy import event, func, select, text
from werkzeug.routing import Map, Rule

from formsvc import db
from formsvc.staff import accounts
from formsvc.staff.models import StaffUser
from tests.browser_scheduling import BrowserTestsTogether
from tests.conftest import PRODUCTION_PASSWORD_HASHER, empty_all_tables
from tests.template_cache import SharedTemplateCode


def test_production_hashes_passwords_at_argon2s_full_cost():
    default = PasswordHasher()
    assert (PRODUCTION_PASSWORD_HASHER.time_cost, PRODUCTION_PASSWORD_HASHER.memory_cost,
            PRODUCTION_PASSWORD_HASHER.parallelism) == (default.time_cost, default.memory_cost, default.parallelism)
    assert PRODUCTION_PASSWORD_HASHER.memory_cost >= 65536


def test_tests_hash_with_the_same_argon2id_at_low_cost():
    assert accounts.HASHER.type is Type.ID
    assert accounts.HASHER.verify(accounts._DUMMY_HASH, "no such account")


def environment(cache: SharedTemplateCode, source: str, **settings) -> Environment:
    return Environment(loader=DictLoader({"page.html": source}), bytecode_cache=cache, **settings)


def compiles(env: Environment) -> list[str]:
    """Record the templates ``env`` compiles itself."""
    compiled: list[str] = []
    compile_source = env.compile

    def recording(source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return compile_source(source, name, filename, raw, defer_init)

    env.compile = recording  # type: ignore[method-assign]
    return compiled


def test_a_second_environment_reuses_the_compiled_template():
    cache = SharedTemplateCode()
    first = environment(cache, "{{ 1 + 1 }} {{ name|upper }}")
    assert first.get_template("page.html").render(name="a") == "2 A"
    second = environment(cache, "{{ 1 + 1 }} {{ name|upper }}")
    compiled = compiles(second)
    assert second.get_template("page.html").render(name="b") == "2 B"
    assert compiled == [] and len(cache) == 1


def test_an_edited_template_is_compiled_again():
    cache = SharedTemplateCode()
    environment(cache, "before").get_template("page.html")
    edited = environment(cache, "after")
    compiled = compiles(edited)
    assert edited.get_template("page.html").render() == "after"
    assert compiled == ["page.html"]


def test_other_compile_settings_get_their_own_code():
    cache = SharedTemplateCode()
    source = "{% if true %}\n  x\n{% endif %}\n"
    plain = environment(cache, source).get_template("page.html").render()
    trimmed_environment = environment(cache, source)
    # As formsvc.templating does: set after the environment is made, before the first template.
    trimmed_environment.trim_blocks = trimmed_environment.lstrip_blocks = True
    trimmed = trimmed_environment.get_template("page.html").render()
    assert (plain, trimmed) == ("\n  x\n", "  x\n")


def adapter(*rules: Rule):
    return Map(list(rules)).bind("example.jp")


def test_apps_share_the_url_builders_of_the_same_rules():
    first = adapter(Rule("/forms/<form_id>/<int:page>", endpoint="page"))
    second = adapter(Rule("/forms/<form_id>/<int:page>", endpoint="page"))
    assert first.build("page", {"form_id": "a", "page": 2}) == "/forms/a/2"
    assert second.build("page", {"form_id": "b", "page": 3, "lang": "en"}) == "/forms/b/3?lang=en"
    rule = next(second.map.iter_rules())
    assert rule._build.__func__ is next(first.map.iter_rules())._build.__func__


def test_rules_with_other_defaults_keep_their_own_builders():
    first = adapter(Rule("/list/", defaults={"page": 1}, endpoint="list"), Rule("/list/<int:page>", endpoint="list"))
    second = adapter(Rule("/list/", defaults={"page": 2}, endpoint="list"), Rule("/list/<int:page>", endpoint="list"))
    assert (first.build("list", {"page": 1}), first.build("list", {"page": 2})) == ("/list/", "/list/2")
    assert (second.build("list", {"page": 2}), second.build("list", {"page": 1})) == ("/list/", "/list/1")
    # A default inside the pattern is built in as a constant.
    assert adapter(Rule("/p/<int:page>", defaults={"page": 4}, endpoint="p")).build("p", {}) == "/p/4"
    assert adapter(Rule("/p/<int:page>", defaults={"page": 5}, endpoint="p")).build("p", {}) == "/p/5"


def test_every_table_is_emptied_after_a_test(app, db_session):
    db_session.add(StaffUser(username="left-over", display_name="x", password_hash="x", session_nonce="x"))
    db_session.commit()
    empty_all_tables(app)
    assert db_session.scalar(select(func.count()).select_from(StaffUser)) == 0


def test_test_databases_commit_without_waiting_for_the_disk(app, db_session):
    if db_session.get_bind().dialect.name == "postgresql":
        assert db_session.scalar(text("SHOW synchronous_commit")) == "off"
    else:
        assert db_session.scalar(text("PRAGMA synchronous")) == 0


def test_make_test_keeps_every_browser_test_on_one_worker():
    scheduling = object.__new__(BrowserTestsTogether)  # only its grouping, without a test session
    scopes = {scheduling._split_scope(nodeid) for nodeid in (
        "tests/browser/test_sign_in.py::test_a", "tests/browser/test_counter.py::test_b[x]")}
    assert scopes == {"tests/browser/"}
    assert scheduling._split_scope("tests/review/test_queue.py::test_c[sqlite]") == \
        "tests/review/test_queue.py::test_c[sqlite]"


def test_engines_of_one_database_share_the_sql_they_compiled(database_url, tmp_path):
    """tests/sql_cache.py: a statement compiled by one test's engine is not compiled again by the next."""
    first, second = db.make_engine(database_url), db.make_engine(database_url)
    other = db.make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    cache_hits: list[object] = []
    try:
        with first.connect() as connection:
            connection.execute(select(StaffUser.id).where(StaffUser.username == "a")).all()
        event.listen(second, "before_cursor_execute", lambda *args: cache_hits.append(args[-2].cache_hit))
        with second.connect() as connection:
            connection.execute(select(StaffUser.id).where(StaffUser.username == "b")).all()
        assert cache_hits == [first.dialect.CACHE_HIT]
        assert second.dialect is first.dialect and second._compiled_cache is first._compiled_cache
        # Each engine keeps its own pool (its connections and listeners) …
        assert second.pool is not first.pool
        # … and another database its own dialect.
        assert other.dialect is not first.dialect
    finally:
        for engine in (first, second, other):
            engine.dispose()


def test_apps_share_the_parsed_rules_and_keep_their_own_converters():
    """tests/route_cache.py: a pattern is parsed once; each rule still gets converters of its own map."""
    from tests.route_cache import _parsed

    first = adapter(Rule("/shared/<int:page>/<any(a,b):kind>/", endpoint="shared"))
    parsed = len(_parsed)
    second = adapter(Rule("/shared/<int:page>/<any(a,b):kind>/", endpoint="shared"))
    assert len(_parsed) == parsed  # found, not parsed again
    assert second.match("/shared/3/b/") == ("shared", {"page": 3, "kind": "b"})
    assert second.build("shared", {"page": 4, "kind": "a"}) == "/shared/4/a/"
    first_rule, second_rule = next(first.map.iter_rules()), next(second.map.iter_rules())
    assert second_rule.arguments == {"page", "kind"} and second_rule._trace == first_rule._trace
    assert second_rule._converters["page"].map is second.map
    # Other converter arguments are another pattern.
    third = adapter(Rule("/shared/<int:page>/<any(c,d):kind>/", endpoint="shared"))
    assert third.match("/shared/3/d/")[1] == {"page": 3, "kind": "d"}
    assert len(_parsed) == parsed + 1


def test_make_test_caches_bytecode():
    """Rewriting the asserts of every test module again in each worker was half of collection."""
    recipe = (Path(__file__).parents[1] / "Makefile").read_text()
    assert "PYTHONDONTWRITEBYTECODE= $(BIN)/pytest" in recipe
