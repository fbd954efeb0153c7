"""Staff accounts for tests, and signing them in through the real sign-in page."""

from __future__ import annotations

import re

from formsvc.db import database
from formsvc.staff.accounts import create_or_update

PASSWORD = "correct horse battery staple"


def make_staff(app, username: str, *roles: str, name: str | None = None) -> None:
    with app.app_context(), database().transaction() as session:
        create_or_update(session, username, PASSWORD, list(roles), name or username)


def staff_client(app, username: str, *roles: str):
    """A test client signed in as a new staff member holding ``roles``."""
    make_staff(app, username, *roles)
    client = app.test_client()
    page = client.get("/staff/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/staff/login", data={"csrf_token": token, "username": username,
                                                 "password": PASSWORD})
    assert response.status_code == 302, response.text[:500]
    return client
