"""Two municipalities on one deployment: nothing of one is reached from the other.

The route walk's seed (tests/test_route_walk.py) is made twice: in the default municipality
(A, at /) and in 鎌倉市 (B, at /kamakura/), each with the same kinds of rows (procedures,
submissions with attachments and payments, a counter visit and its drafts, a resident's draft,
a working copy waiting for approval, print and failed jobs, an API token, staff of every role).
Then every route of the app is walked by each kind of visitor of one town, at that town's own
address, with the other town's ids in every path variable (and form input naming one):

- where the role table lets the visitor in, a route naming the other town's things answers 404
  (as for ids that do not exist), and one naming none answers as usual;
- where it does not, the usual refusal;
- no response (body or Location) shows the other town's marker (its applicant's name,
  procedure title, file names, staff names) or its reception numbers and procedure ids;
- and the other town's rows are exactly as they were (no POST reached them).

Every POST carries a valid CSRF token of the visitor's session (the refusals come from scoping).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from formsvc.db import Base
from formsvc.submissions.reception import new_reception_number
from tests.applicant import csrf_token
from tests.conftest import database_of
from tests.review.support import make_submissions
from tests.staff.support import PASSWORD
from tests.tenants.support import in_tenant, make_tenant
from tests.test_route_walk import (
    ALLOWED,
    FORBIDDEN,
    IDENTITIES,
    NO_TOKEN,
    NOT_FOUND,
    NOT_SIGNED_IN_JSON,
    RESIDENT_LOGIN,
    ROUTES,
    STAFF_LOGIN,
    STAFF_USERNAMES,
    VALUE_BY_NAME,
    Seed,
    Town,
    Visitor,
    csrf_refused,
    expected,
    problem,
    seed,
    url_of,
)

# What in a seed belongs to its town: a path variable or form input taking one of these names
# something the other town must not reach.
OWNED = {"form_id", "nested_form_id", "number", "upload_token", "photo_upload_token", "visit_id",
         "counter_draft_id", "resident_draft_id", "counter_submission_id", "approval_id", "print_job_id",
         "failed_job_id"}

# POSTs that name things in their form (the route walk sends none; here the other town's).
NAMING_FORMS: dict[str, dict[str, str]] = {
    "review.print_selected": {"number": "number"},  # 選んだ申請を印刷
    "review.export_job": {"form": "form_id"},       # a long CSV export of a procedure
}

# The default town's procedure is a shared template (the seed has the operator share it): every
# town's administrators reach it by its id and see its title on these pages (not its applications).
SHARED_TEMPLATE_PAGES = {"admin.shared_templates", "admin.shared_template_diff", "admin.adopt_template"}

# The 集計's monthly figures are derived rows, brought up to date for every municipality by
# whichever request or job asks first (formsvc.dashboard.rollups); they hold no one's data.
DERIVED_TABLES = {"dashboard_month_counts", "dashboard_month_visits", "dashboard_month_durations"}


@dataclass
class Towns:
    a: Town
    b: Town
    seeds: dict[str, Seed]  # by slug ("" for A)

    def other(self, town: Town) -> Town:
        return self.b if town is self.a else self.a


@pytest.fixture
def towns(demo_app) -> Towns:
    b_id = make_tenant(demo_app, "kamakura", "鎌倉市", first_five="14204")
    a = Town(marker="逗子野")
    b = Town(tenant_id=b_id, slug="kamakura", marker="鎌倉野")
    seed_a = seed(demo_app, a)
    # The same resident (the card identity is national) applied in both towns.
    seed_b = seed(demo_app, b, resident_client=seed_a.resident_client)
    for town, seeded in ((a, seed_a), (b, seed_b)):  # and one paid in cash at the counter (収納簿)
        with in_tenant(demo_app, town.tenant_id):
            [seeded.values["cash_number"]] = make_submissions(
                demo_app, str(seeded.values["form_id"]), 1, channel="counter",
                overrides={"name": {"family": town.marker, "given": "花子"}})
    towns = Towns(a, b, {a.slug: seed_a, b.slug: seed_b})
    for town in (a, b):
        warm_up(demo_app, town, towns.seeds[town.slug])
    return towns


# Pages each town's own people use first, so that whatever a worker keeps between requests
# (compiled procedures, lists of them) holds both towns' before the walk.
WARM_UP = {
    "reviewer": ["/", "/forms/{form_id}/", "/forms/{form_id}/pages/applicant", "/staff/", "/staff/queue",
                 "/staff/submissions/{number}"],
    "admin": ["/admin/", "/admin/forms/{form_id}", "/admin/preview/forms/{form_id}/pages/applicant",
              "/admin/forms/{form_id}/versions/1"],
    "counter": ["/counter/", "/counter/visits/{visit_id}",
                "/counter/visits/{visit_id}/forms/{form_id}/pages/applicant"],
}


def warm_up(app, town: Town, seeded: Seed) -> None:
    for name, paths in WARM_UP.items():
        who = home_visitor(app, town, name, seeded)
        for path in paths:
            response = who.client.get(town.prefix + path.format(**seeded.values))
            assert response.status_code < 400, (town.prefix + path, response.status_code)


def unknown(seeded: Seed, keys: set[str] = OWNED) -> Seed:
    """The seed with every id it owns replaced by one nothing has: what a route answers for those
    is its refusal for ids of no town (404, or e.g. a redirect back with a message)."""
    values = dict(seeded.values)
    nowhere: dict[str, object] = {
        "form_id": "no-such-procedure", "nested_form_id": "no-such-nested-procedure",
        "number": new_reception_number(), "upload_token": secrets.token_urlsafe(16),
        "photo_upload_token": secrets.token_urlsafe(16)}
    for key in ("visit_id", "counter_draft_id", "resident_draft_id", "counter_submission_id", "approval_id",
                "print_job_id", "failed_job_id"):
        nowhere[key] = 987654
    values.update({key: value for key, value in nowhere.items() if key in keys})
    return Seed(values, seeded.resident_client, seeded.api_token)


def markers(town: Town, seeded: Seed) -> list[str]:
    """Strings only that town's data holds."""
    found = [town.marker]
    for key in ("number", "counter_number", "cash_number"):
        number = str(seeded.values[key])
        found += [number, f"{number[:4]}-{number[4:]}"]  # and as pages print it
    if town.slug:
        found.append(f"{town.slug}-")  # its procedure ids (B's: kamakura-review-permit)
    return found


def town_rows(app, tenant_id: int) -> dict[str, list[tuple]]:
    """Every row the town owns, read past the ORM's scoping (Core, tenant_id named)."""
    rows = {}
    with database_of(app).engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if "tenant_id" not in table.c or table.name in DERIVED_TABLES:
                continue
            key = [column for column in table.primary_key.columns] or list(table.c)
            rows[table.name] = [tuple(row) for row in connection.execute(
                select(table).where(table.c.tenant_id == tenant_id).order_by(*key))]
    return rows


def home_visitor(app, town: Town, name: str, seeded: Seed) -> Visitor:
    headers: dict[str, str] = {}
    if name == "resident":
        client = seeded.resident_client
    elif name in STAFF_USERNAMES:
        client = app.test_client()
        page = client.get(f"{town.prefix}/staff/login")
        signed_in = client.post(f"{town.prefix}/staff/login", data={
            "csrf_token": csrf_token(page.text), "username": STAFF_USERNAMES[name], "password": PASSWORD})
        assert signed_in.status_code == 302, signed_in.text[:500]
    else:
        client = app.test_client()
        if name == "api_client":
            headers["Authorization"] = f"Bearer {seeded.api_token}"
    return Visitor(name, client, headers, IDENTITIES[name])


def form_of(rule, route) -> dict[str, str]:
    return {**route.form, **NAMING_FORMS.get(rule.endpoint, {})}


def owned_keys(rule, route) -> set[str]:
    """The seed keys of what the town owns that this route names (path variables, form input)."""
    keys = set(form_of(rule, route).values())
    for name in rule.arguments:
        if name == "number":
            keys.add("version_number" if isinstance(rule._converters[name], IntegerConverter) else "number")
        else:
            keys.add(route.values.get(name) or VALUE_BY_NAME.get(name, name))
    return keys & OWNED


def csrf(who: Visitor, town: Town) -> str:
    page = who.client.get(f"{town.prefix}/staff/login", headers=who.headers)
    assert page.status_code == 200, page.status_code
    return csrf_token(page.text)


def refusal_problem(outcome: str, response, path: str, prefix: str, method: str, route) -> str | None:
    """``problem`` of the route walk, for a page under ``prefix`` (its sign-in pages are there too)."""
    location = response.headers.get("Location", "")
    if prefix and location.startswith(prefix + "/"):
        response.headers["Location"] = location[len(prefix):]
    return problem(outcome, response, path, method, route)


def requests_in_order(app):
    """The route walk's order, of the routes ROUTES lists (tests/test_route_walk.py fails for
    any other: a line there is missing)."""
    listed = [(rule, method) for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
              if rule.endpoint in ROUTES for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    gets = [item for item in listed if item[1] == "GET"]
    posts = sorted((item for item in listed if item[1] != "GET"), key=lambda item: (
        ROUTES[item[0].endpoint].last, item[0].endpoint in ("auth.logout", "staff.logout")))
    return gets + posts


def walk(app, towns: Towns, home: Town, name: str, caplog) -> list[str]:
    """Every route as ``name`` of ``home``, at home's address, with the other town's ids."""
    other = towns.other(home)
    own_seed, other_seed = towns.seeds[home.slug], towns.seeds[other.slug]
    secret = markers(other, other_seed)
    who = home_visitor(app, home, name, own_seed)
    caplog.set_level(logging.INFO, logger=app.logger.name)
    token = csrf(who, home)
    failures = []
    for rule, method in requests_in_order(app):
        route = ROUTES[rule.endpoint]
        outcome = expected(route.access, who)
        owned = owned_keys(rule, route)
        # All the other town's ids; and where a route names several things, each of the other
        # town's alone among the visitor's own (its attachment under our application …).
        variants = [("", owned)]
        if outcome == ALLOWED and len(owned) > 1:
            variants += [(f" ({key} alone)", {key}) for key in sorted(owned)]
        naming = form_of(rule, route)
        for label, foreign in variants:
            mixed = Seed({**own_seed.values, **{key: other_seed.values[key] for key in foreign}},
                         own_seed.resident_client, own_seed.api_token) if label else other_seed
            bare = url_of(app, rule, mixed)
            path = home.prefix + bare
            data = None
            if method != "GET":
                if route.last:
                    token = csrf(who, home)
                data = {"csrf_token": token, **{key: mixed.values[value] for key, value in naming.items()}}
            caplog.clear()
            response = who.client.open(path, method=method, headers=who.headers, data=data)
            where = f"{method} {path} [{rule.endpoint}]{label} as {name} of {home.slug or 'default'}"
            template = rule.endpoint in SHARED_TEMPLATE_PAGES and not other.slug
            if outcome == ALLOWED and owned and not template:
                why = None
                if response.status_code != 404:
                    # Not 404: it must be what the route answers for ids that do not exist at all.
                    nowhere = unknown(mixed, foreign)
                    refusal = who.client.open(
                        home.prefix + url_of(app, rule, nowhere), method=method, headers=who.headers,
                        data=None if data is None else {
                            **data, **{key: nowhere.values[value] for key, value in naming.items()}})
                    if response.status_code != refusal.status_code:
                        why = (f"the other town's ids gave {response.status_code}, ids of no town "
                               f"{refusal.status_code} (404 expected, or the same refusal)")
            elif outcome in (STAFF_LOGIN, RESIDENT_LOGIN, FORBIDDEN, NO_TOKEN, NOT_SIGNED_IN_JSON, NOT_FOUND):
                why = refusal_problem(outcome, response, bare, home.prefix, method, route)
            else:
                why = None if response.status_code < 500 else f"failed with {response.status_code}"
            if method != "GET" and csrf_refused(caplog):
                why = "the CSRF token was refused (the walk must prove scoping, not the CSRF check)"
            if why:
                failures.append(f"{where}: {why}")
            body = response.get_data().decode("utf-8", "replace")
            # The ids the visitor typed may come back (a sign-in link's next=, a 404 page): not a leak.
            typed = path + " " + " ".join(str(value) for value in (data or {}).values())
            shown = secret
            if template:
                shown = [marker for marker in secret if marker != other.marker]
            seen = [marker for marker in shown if marker not in typed
                    and (marker in body or marker in response.headers.get("Location", ""))]
            if seen:
                failures.append(f"{where}: shows the other town's {seen}")
    return failures


WALKERS = [name for name in IDENTITIES]


@pytest.mark.parametrize("direction", ["a_against_b", "b_against_a"])
@pytest.mark.parametrize("name", WALKERS)
def test_no_route_reaches_the_other_municipality(demo_app, towns, name, direction, caplog):
    home = towns.a if direction == "a_against_b" else towns.b
    other = towns.other(home)
    before = town_rows(demo_app, other.tenant_id)
    failures = walk(demo_app, towns, home, name, caplog)
    after = town_rows(demo_app, other.tenant_id)
    changed = [table for table in before if before[table] != after[table]]
    assert not failures, "\n".join(failures)
    assert not changed, f"the other town's rows changed: {changed}"


def searches(town: Town, seeded: Seed, looking_for: Town, wanted: Seed) -> dict[str, list[str]]:
    """Pages of ``town``'s staff and API asked, by query string, for ``looking_for``'s things."""
    number, form_id, marker = wanted.values["number"], wanted.values["form_id"], looking_for.marker
    month = "2026-04"  # the seeded applications' month (tests/review/support.py BASE_TIME)
    listing = [f"/staff/queue?status=all&name={marker}", f"/staff/queue?status=all&number={number}",
               f"/staff/queue?status=all&number={str(number)[:4]}", f"/staff/queue?status=all&form={form_id}",
               "/staff/queue?status=all", "/staff/queue?status=all&sort=newest"]
    exports = [f"/staff/queue/export.csv?status=all&form={form_id}", "/staff/queue/export.csv?status=all",
               f"/staff/queue/export.csv?status=all&name={marker}", f"/staff/queue/export?status=all&form={form_id}"]
    return {
        "reviewer": listing + exports + ["/staff/", "/staff/notices", "/staff/jobs/", "/staff/disposals"],
        "admin": [*exports, "/admin/", "/admin/approvals", "/staff/jobs/", "/staff/disposals",
                  f"/staff/dashboard?from={month}&to={month}",
                  f"/staff/dashboard/channels.csv?from={month}&to={month}"],
        "approver": ["/admin/approvals", "/staff/"],
        "manager": [f"/staff/dashboard?from={month}&to={month}",
                    f"/staff/dashboard?from={month}&to={month}&form={form_id}",
                    f"/staff/dashboard/channels.csv?from={month}&to={month}"],
        "counter": [*listing, "/counter/", f"/counter/?q={marker}", "/counter/cashbook?day=2026-04-01",
                    "/counter/cashbook.csv?day=2026-04-01", f"/counter/visits/{seeded.values['visit_id']}?q={marker}",
                    f"/counter/visits/{seeded.values['visit_id']}?q={form_id}"],
        "api_client": ["/api/v1/submissions", f"/api/v1/submissions?form_id={form_id}",
                       "/api/v1/submissions?status=received,in_review,approved,rejected,withdrawn"],
        "resident": ["/my/"],
    }


@pytest.mark.parametrize("direction", ["a_against_b", "b_against_a"])
def test_searches_filters_lists_and_exports_show_nothing_of_the_other_municipality(demo_app, towns, direction):
    home = towns.a if direction == "a_against_b" else towns.b
    other = towns.other(home)
    own_seed, other_seed = towns.seeds[home.slug], towns.seeds[other.slug]
    secret = markers(other, other_seed)
    failures = []
    for name, paths in searches(home, own_seed, other, other_seed).items():
        who = home_visitor(demo_app, home, name, own_seed)
        for path in paths:
            response = who.client.get(home.prefix + path, headers=who.headers)
            body = response.get_data().decode("utf-8", "replace")
            if response.status_code >= 500:
                failures.append(f"GET {home.prefix}{path} as {name}: {response.status_code}")
            typed = path
            seen = [marker for marker in secret if marker not in typed and marker in body]
            if seen:
                failures.append(f"GET {home.prefix}{path} as {name}: shows the other town's {seen}")
    assert not failures, "\n".join(failures)
    # The same searches for the town's own things find them (the pages above were not empty by accident).
    reviewer = home_visitor(demo_app, home, "reviewer", own_seed)
    own_number = str(own_seed.values["number"])
    for path in (f"/staff/queue?status=all&name={home.marker}", f"/staff/queue?status=all&number={own_number}",
                 f"/staff/queue/export.csv?status=all&form={own_seed.values['form_id']}"):
        found = reviewer.client.get(home.prefix + path).get_data(as_text=True)
        assert own_number in found or f"{own_number[:4]}-{own_number[4:]}" in found, path
    clerk = home_visitor(demo_app, home, "counter", own_seed)
    cash = str(own_seed.values["cash_number"])
    book = clerk.client.get(f"{home.prefix}/counter/cashbook?day=2026-04-01").get_data(as_text=True)
    assert cash in book or f"{cash[:4]}-{cash[4:]}" in book
    api = home_visitor(demo_app, home, "api_client", own_seed)
    listed = api.client.get(f"{home.prefix}/api/v1/submissions?status=received,in_review", headers=api.headers)
    assert own_number in listed.text, listed.text[:300]


STRANGERS = [name for name in IDENTITIES if name in STAFF_USERNAMES or name == "api_client"]


@pytest.mark.parametrize("direction", ["a_at_b", "b_at_a"])
@pytest.mark.parametrize("name", STRANGERS)
def test_staff_and_api_tokens_are_strangers_at_another_municipalitys_address(demo_app, towns, name, direction):
    """A member of staff signed in at their own town's address, or an API token of theirs, is
    nobody at the other town's address (its pages of staff ask to sign in, its API wants a token),
    and the same name signed in there is the other town's own member, not this one."""
    home = towns.a if direction == "a_at_b" else towns.b
    other = towns.other(home)
    who = home_visitor(demo_app, home, name, towns.seeds[home.slug])
    stranger = Visitor("stranger", who.client, who.headers, None)  # as the other town sees them: nobody
    other_seed = towns.seeds[other.slug]
    failures = []
    for rule, method in requests_in_order(demo_app):
        route = ROUTES[rule.endpoint]
        if method != "GET" or route.access.kind not in ("staff", "staff_own", "staff_json", "api"):
            continue
        bare = url_of(demo_app, rule, other_seed)
        response = who.client.get(other.prefix + bare, headers=who.headers)
        outcome = expected(route.access, stranger)
        why = refusal_problem(outcome, response, bare, other.prefix, method, route)
        if why:
            failures.append(f"GET {other.prefix}{bare} [{rule.endpoint}] as {name} of {home.slug or 'default'}: {why}")
    assert not failures, "\n".join(failures)
    if name in STAFF_USERNAMES:  # and at home they are still signed in
        assert who.client.get(f"{home.prefix}/staff/notices").status_code != 302
