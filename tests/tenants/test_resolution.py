"""A request is for the municipality of its host name, else of its path prefix, else the default."""

from __future__ import annotations

from formsvc.db import database
from formsvc.tenants.models import Tenant
from formsvc.tenants.resolution import directory
from tests.review.conftest import SAMPLE, publish
from tests.tenants.support import in_tenant, make_tenant

FORM = "sample-permit"


def test_a_path_prefix_reaches_its_municipality_and_links_keep_it(app, client):
    kamakura = make_tenant(app, "kamakura", "鎌倉市")
    with in_tenant(app, kamakura):
        publish(app, SAMPLE)
    assert client.get(f"/forms/{FORM}/").status_code == 404  # not the default municipality's
    page = client.get(f"/kamakura/forms/{FORM}/", follow_redirects=True)
    assert page.status_code == 200
    assert 'href="/kamakura/' in page.text
    assert 'href="/forms/' not in page.text


def test_a_host_name_reaches_its_municipality(app, client):
    zushi = make_tenant(app, "zushi", "逗子市", "14208", host="shinsei.city.zushi.example.jp")
    with in_tenant(app, zushi):
        publish(app, SAMPLE)
    page = client.get(f"/forms/{FORM}/", base_url="https://shinsei.city.zushi.example.jp:443",
                      follow_redirects=True)
    assert page.status_code == 200
    # Another municipality's prefix on this host is just an unknown page.
    make_tenant(app, "hayama", "葉山町", "14301")
    assert client.get(f"/hayama/forms/{FORM}/", base_url="https://shinsei.city.zushi.example.jp").status_code == 404


def test_a_suspended_municipality_answers_404(app, client):
    tenant_id = make_tenant(app, "kamakura", "鎌倉市")
    with app.app_context(), database().transaction() as session:
        session.get(Tenant, tenant_id).active = False
    with app.app_context():
        directory().forget()
    response = client.get("/kamakura/")
    assert response.status_code == 404
    assert "ご利用いただけません" in response.text


def test_unknown_prefixes_and_hostile_hosts_fall_back_to_the_default(app, client):
    assert client.get("/no-such-town/").status_code == 404
    assert client.get("/healthz", headers={"Host": "\x00evil:99999"}).status_code in (200, 400)
