"""The read-only JSON API: bearer tokens (stored as SHA-256), pages, one submission, OpenAPI."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from formsvc.cli import main
from formsvc.review.models import AccessLog, ApiToken
from tests.review.support import BASE_TIME, make_submissions


def new_token(app, name: str = "kikan") -> str:
    result = app.test_cli_runner().invoke(main, ["create-api-token", name])
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_the_token_is_printed_once_and_only_its_hash_is_kept(app, db_session):
    token = new_token(app)
    assert token.startswith("fsv_") and len(token) > 40
    row = db_session.scalars(select(ApiToken)).one()
    assert row.name == "kikan" and row.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in json.dumps([row.name, row.token_sha256])
    # A new token for the same name replaces the old one.
    again = new_token(app)
    client = app.test_client()
    assert client.get("/api/v1/submissions", headers=bearer(token)).status_code == 401
    assert client.get("/api/v1/submissions", headers=bearer(again)).status_code == 200


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer"}, {"Authorization": "Bearer fsv_wrong"}, {"Authorization": "Basic a2lrYW46eA=="},
    {"Authorization": "fsv_no_scheme"}])
def test_missing_or_wrong_tokens_get_401_json(app, review_form, headers):
    number = make_submissions(app, review_form, 1)[0]
    client = app.test_client()
    for url in ("/api/v1/submissions", f"/api/v1/submissions/{number}"):
        response = client.get(url, headers=headers)
        assert response.status_code == 401
        assert response.is_json and response.json["error"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert number not in response.text


def test_a_revoked_token_stops_working(app):
    token = new_token(app)
    assert app.test_cli_runner().invoke(main, ["revoke-api-token", "kikan"]).exit_code == 0
    assert app.test_client().get("/api/v1/submissions", headers=bearer(token)).status_code == 401
    assert app.test_cli_runner().invoke(main, ["revoke-api-token", "nobody"]).exit_code == 1


def test_listing_pages_with_a_cursor_and_filters(app, review_form, plain_form, db_session):
    numbers = make_submissions(app, review_form, 5, same_time_every=2)
    other = make_submissions(app, plain_form, 1, status="approved", created_at=BASE_TIME + timedelta(days=1))
    token = new_token(app)
    client = app.test_client()
    seen, cursor = [], None
    while True:
        response = client.get("/api/v1/submissions", headers=bearer(token),
                              query_string={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
        seen.extend(item["reception_number"] for item in response.json["items"])
        cursor = response.json["next_cursor"]
        if cursor is None:
            break
    assert seen == numbers + other
    item = client.get("/api/v1/submissions", headers=bearer(token), query_string={"status": "approved"}).json
    assert [i["reception_number"] for i in item["items"]] == other
    assert item["items"][0]["status_label"] == "承認" and item["items"][0]["form_id"] == plain_form
    by_form = client.get("/api/v1/submissions", headers=bearer(token), query_string={"form_id": review_form}).json
    assert [i["reception_number"] for i in by_form["items"]] == numbers
    assert client.get("/api/v1/submissions?status=nonsense", headers=bearer(token)).status_code == 400
    assert client.get("/api/v1/submissions?limit=1000", headers=bearer(token)).status_code == 400
    assert client.get("/api/v1/submissions?cursor=%%%", headers=bearer(token)).status_code == 400
    logged = db_session.scalars(select(AccessLog).where(AccessLog.action == "api_list")).all()
    assert logged and all(row.api_client == "kikan" and row.staff_id is None for row in logged)


def test_one_submission_with_its_answers(app, review_form, db_session):
    number = make_submissions(app, review_form, 1, overrides={"copies": 4})[0]
    token = new_token(app)
    response = app.test_client().get(f"/api/v1/submissions/{number[:4].lower()}-{number[4:].lower()}",
                                     headers=bearer(token))
    assert response.status_code == 200
    body = response.json
    assert body["reception_number"] == number and body["form"] == {
        "id": review_form, "version": 1, "title": "審査用の見本申請"}
    answers = {answer["field"]: answer for answer in body["answers"]}
    assert answers["copies"]["value"] == 4 and answers["copies"]["text"] == "4通"
    assert answers["name"]["value"] == {"family": "山田", "given": "太郎"} and answers["name"]["label"] == "氏名"
    assert [event["kind"] for event in body["events"]] == ["submitted"]
    logged = db_session.scalars(select(AccessLog).where(AccessLog.action == "api_read")).one()
    assert logged.api_client == "kikan" and len(logged.submission_ids) == 1
    missing = app.test_client().get("/api/v1/submissions/ABCD2345", headers=bearer(token))
    assert missing.status_code == 404 and missing.json["error"] == "not_found"


def test_the_api_is_read_only_and_needs_no_csrf_token(app):
    token = new_token(app)
    response = app.test_client().post("/api/v1/submissions", headers=bearer(token), json={})
    assert response.status_code == 405  # not a CSRF failure (400): the blueprint is exempt


def test_the_openapi_description(app):
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    document = json.loads(response.data)
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {"/api/v1/submissions", "/api/v1/submissions/{number}"}
    assert document["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    # Every route of the API blueprint is described (and nothing else).
    routes = {rule.rule.replace("<number>", "{number}") for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("review_api.") and rule.endpoint != "review_api.openapi"}
    assert routes == set(document["paths"])
    refs = [value for value in _walk(document) if isinstance(value, str) and value.startswith("#/")]
    for ref in refs:  # every $ref resolves
        node = document
        for part in ref[2:].split("/"):
            node = node[part]


def _walk(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)
    else:
        yield node
