"""Staff of a municipality reached by path prefix, signed in through its own sign-in page."""

from __future__ import annotations

import re

from tests.staff.support import PASSWORD, make_staff
from tests.tenants.support import in_tenant


def tenant_staff_client(app, tenant_id: int, slug: str, username: str, *roles: str):
    """A test client signed in at /<slug>/staff/login as a new staff member of that municipality."""
    with in_tenant(app, tenant_id):
        make_staff(app, username, *roles)
    client = app.test_client()
    page = client.get(f"/{slug}/staff/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(f"/{slug}/staff/login", data={"csrf_token": token, "username": username,
                                                         "password": PASSWORD})
    assert response.status_code == 302, response.text[:500]
    return client
