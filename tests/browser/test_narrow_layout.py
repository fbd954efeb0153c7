"""Every kind of page fits a phone (390×844): nothing scrolls sideways, no text is broken
character by character, the signed-in name is shown whole and the steps stay compact.

No screenshots: the layout is measured in the page. The resident walks reuse the scenarios of
the accessibility checks (tests/browser/test_accessibility.py) plus the procedures whose field
types those do not show (振込口座), so every field type is seen at phone width; the staff pages
are found by following links as tests/browser/test_staff_pages.py does.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import Page, expect

from formsvc import clock
from tests.applicant import PAGE_URL
from tests.browser.support import RECEPTION_NUMBER, TEST_CARD, Shortcut, assert_accessible
from tests.browser.test_accessibility import SCENARIOS, submit_empty
from tests.browser.test_staff_pages import DOWNLOADS, MAX_PAGES, STAFF_AREAS, shape, sign_in_staff
from tests.conftest import day_in_period, hold_clock
from tests.resident.library_support import JPEG
from tests.review.support import make_submissions
from tests.staff.support import make_staff

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# The accessibility walks plus procedures with field types they do not show (振込口座).
PHONE_SCENARIOS = {
    **SCENARIOS,
    "taiyoko-hojo": ("taiyoko-hojo", {}),
}
JPEG_FILE = {"name": "屋根の写真.jpg", "mimeType": "image/jpeg", "buffer": JPEG}
# The kinds of question the issue names; each must have been seen at phone width.
FIELD_TYPES = {"address", "name", "kana", "postal_code", "bank_account", "date", "file", "checkboxes",
               "radio", "select", "number", "textarea", "phone", "email"}

# Measures the page as laid out. Returns the problems found, as sentences:
# - the document is wider than the window (the page scrolls sideways), naming the widest
#   elements that stick out (inside a scrolling wrapper nothing counts: that is the wrapper's job);
# - a text broken character by character: three or more lines, none wider than 2.5 characters.
MEASURE = """() => {
  const problems = [];
  const width = window.innerWidth;
  const describe = element => {
    let name = element.tagName.toLowerCase();
    if (element.id) name += '#' + element.id;
    if (element.classList.length) name += '.' + [...element.classList].join('.');
    return name;
  };
  const clipped = element => {
    // Positioned text (e.g. .visually-hidden) escapes a scrolling region that is not positioned.
    if (['absolute', 'fixed'].includes(getComputedStyle(element).position)) return false;
    for (let parent = element.parentElement; parent; parent = parent.parentElement) {
      const style = getComputedStyle(parent);
      if (style.overflowX !== 'visible' && parent !== document.body && parent !== document.documentElement) return true;
    }
    return false;
  };
  if (document.documentElement.scrollWidth > width) {
    const wide = [];
    for (const element of document.body.querySelectorAll('*')) {
      const box = element.getBoundingClientRect();
      const parent = element.parentElement.getBoundingClientRect();
      // Only where it starts: an element sticking out of a parent that fits.
      if (box.width && box.right > width + 0.5 && parent.right <= width + 0.5 && !clipped(element)) {
        wide.push(`${describe(element)} (${Math.round(box.left)}–${Math.round(box.right)} px)`);
      }
    }
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${width} px window;`
                  + ` sticking out: ${wide.slice(0, 6).join(', ')}`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\\s+/g, '');
    const parent = node.parentElement;
    if (text.length < 4 || !parent || parent.closest('script, style, option, .visually-hidden')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter(rect => rect.width > 0);
    const lines = new Set(rects.map(rect => Math.round(rect.top)));
    const em = parseFloat(getComputedStyle(parent).fontSize);
    if (lines.size >= 3 && Math.max(...rects.map(rect => rect.width)) < 2.5 * em) {
      problems.push(`「${text.slice(0, 20)}」 in ${describe(parent)} is broken into ${lines.size} lines`
                    + ` ${Math.round(Math.max(...rects.map(rect => rect.width)))} px wide`);
    }
  }
  return problems;
}"""

# One line tall: the element's height is under two of its lines.
ONE_LINE = """element => {
  const style = getComputedStyle(element);
  const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.7;
  return element.getBoundingClientRect().height < 1.9 * line;
}"""

# The signed-in resident's name in the header: shown whole (not cut off, not off the screen).
NAME_IN_HEADER = """() => {
  const name = [...document.querySelectorAll('.site-header *')]
    .find(element => !element.children.length && /\\sさん$/.test(element.textContent.trim()));
  if (!name) return 'no name ending in さん in the header';
  const box = name.getBoundingClientRect();
  if (name.scrollWidth > name.clientWidth + 1) return `cut off: ${name.scrollWidth} px in ${name.clientWidth} px`;
  if (box.left < 0 || box.right > window.innerWidth) return `off the screen: ${box.left}–${box.right} px`;
  const style = getComputedStyle(name);
  const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.7;
  if (box.height >= 1.9 * line) return `broken into lines (${Math.round(box.height)} px tall)`;
  return '';
}"""


class Layout:
    """Collects the problems of every page measured, so that one run names them all."""

    def __init__(self, page: Page):
        self.page = page
        self.problems: list[str] = []
        self.checked: list[str] = []

    def check(self, what: str) -> None:
        self.page.wait_for_load_state()
        self.checked.append(what)
        for problem in self.page.evaluate(MEASURE):
            self.problems.append(f"{what} ({urlparse(self.page.url).path}): {problem}")

    def one_line(self, locator, what: str) -> None:
        for index in range(locator.count()):
            if not locator.nth(index).evaluate(ONE_LINE):
                self.problems.append(f"{what} ({urlparse(self.page.url).path}): "
                                     f"「{locator.nth(index).inner_text().strip()}」 takes more than one line")

    def name_in_header(self, what: str) -> None:
        problem = self.page.evaluate(NAME_IN_HEADER)
        if problem:
            self.problems.append(f"{what}: the resident's name in the header is {problem}")

    def compact_steps(self, what: str) -> None:
        """The step indicator takes at most two rows of pills (it took four)."""
        items = self.page.locator(".steps__item")
        if not items.count():
            return
        tops = {round(box["y"]) for box in (items.nth(i).bounding_box() for i in range(items.count())) if box}
        if len(tops) > 2:
            self.problems.append(f"{what}: the steps take {len(tops)} rows")

    def assert_fine(self) -> None:
        assert self.checked, "no page was measured"
        assert not self.problems, (f"{len(self.problems)} layout problem(s) at {PHONE['width']} px on "
                                   f"{len(self.checked)} pages:\n" + "\n".join(self.problems))


@pytest.fixture
def phone(new_page) -> Page:
    page = new_page(javascript=True)
    page.set_viewport_size(PHONE)
    return page


@pytest.fixture
def phone_axe(new_page, axe_script) -> Page:
    page = new_page(javascript=True, bypass_csp=True)
    page.set_viewport_size(PHONE)
    return page


# --- resident pages -----------------------------------------------------------------------

class PhoneShortcut(Shortcut):
    """The accessibility checks' shortcut, sending JPEGs (as many as asked for) to a question that
    takes no PDF (photos)."""

    def inputs_for(self, page, values):
        photos = {spec.id: spec.min_files or 1 for spec in page.fields
                  if spec.type == "file" and "pdf" not in spec.accept}
        inputs = []
        for name, value in super().inputs_for(page, values):
            inputs.extend([(name, JPEG_FILE)] * photos[name] if name in photos else [(name, value)])
        return inputs


seen_field_types: set[str] = set()
walked: set[str] = set()


def pay_on_the_provider(page: Page, layout: Layout) -> None:
    """The mock provider's pages, each measured: the choice, the card page with its errors."""
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile("^(お支払い方法の選択|クレジットカードでのお支払い)$"))
    if heading.inner_text().strip() == "お支払い方法の選択":
        layout.check("provider: choose how to pay")
        page.get_by_role("radio", name=re.compile("^クレジットカード")).check(force=True)
        page.get_by_role("button", name="次へ").click()
        expect(heading).to_have_text("クレジットカードでのお支払い")
    layout.check("provider: card")
    page.get_by_role("button", name=re.compile("円を支払う$")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    layout.check("provider: card with errors")
    page.get_by_label(re.compile("^カード番号")).fill(TEST_CARD)
    page.get_by_label(re.compile("^有効期限")).fill("12/39")
    page.get_by_label(re.compile("^セキュリティコード")).fill("123")
    page.get_by_label(re.compile("^カード名義")).fill("HANAKO YAMADA")
    page.get_by_role("button", name=re.compile("円を支払う$")).click()


def walk(page: Page, layout: Layout, definition, answers: dict, check_errors: bool = True) -> str:
    """Every page of one application from its start page to the confirmation, each measured;
    returns the reception number."""
    form_id = definition.id
    shortcut = PhoneShortcut(page, definition, answers)
    page.goto(f"/forms/{form_id}/")
    layout.check(f"{form_id}: start page")
    path = shortcut.start()
    for _ in range(60):
        match = PAGE_URL.search(path)
        if match is None:
            break
        spec_page = definition.page_by_id(match.group("page"))
        seen_field_types.update(spec.type for spec in spec_page.fields)
        what = f"{form_id}/{spec_page.id}"
        base = f"/forms/{form_id}/pages/{spec_page.id}"
        if spec_page.repeat is not None:
            page.goto(f"{base}/items/0")
            layout.check(f"{what}: first item")
            layout.compact_steps(what)
            shortcut.post(f"{base}/items/0", shortcut.inputs_for(spec_page, {}))
            page.goto(f"{base}/items")
            layout.check(f"{what}: summary of items")
            page.get_by_role("link", name="削除").first.click()
            layout.check(f"{what}: remove confirmation")
            path = shortcut.post(f"{base}/items", [("action", "continue")])
            continue
        assert spec_page.kind != "exit", f"{form_id} ended on exit page {spec_page.id}"
        page.goto(path)
        layout.check(what)
        layout.compact_steps(what)
        if check_errors and any(spec.required and spec.has_answer for spec in spec_page.fields) \
                and submit_empty(page):
            layout.check(f"{what} with errors")
        path = shortcut.post(path, shortcut.inputs_for(spec_page, answers))
    assert path == f"/forms/{form_id}/check", path
    page.goto(path)
    layout.check(f"{form_id}: check your answers")
    pay = page.get_by_role("button", name="支払いへ進む")
    if pay.count():
        pay.click()
        pay_on_the_provider(page, layout)
    else:
        page.get_by_role("button", name=re.compile("申請する|送信する")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("申請を受け付けました")
    layout.check(f"{form_id}: confirmation")
    number = page.locator(".reception-number")
    layout.one_line(number, f"{form_id}: reception number on the confirmation")
    assert RECEPTION_NUMBER.match(number.inner_text().strip())
    return number.inner_text().strip()


@pytest.mark.parametrize("scenario", list(PHONE_SCENARIOS))
def test_every_page_of_an_application_fits_a_phone(phone, live_server, monkeypatch, scenario):
    form_id, answers = PHONE_SCENARIOS[scenario]
    definition = live_server.definition(form_id)
    hold_clock(monkeypatch, day_in_period(definition.valid_from, definition.valid_until, clock.today()))
    layout = Layout(phone)
    walk(phone, layout, definition, answers)
    layout.assert_fine()
    walked.add(scenario)


def test_the_phone_walks_showed_every_field_type():
    if walked != set(PHONE_SCENARIOS):
        pytest.skip("only meaningful after every scenario above has been walked in this run")
    missing = FIELD_TYPES - seen_field_types
    assert not missing, f"no page measured had these field types: {sorted(missing)}"


def test_portal_search_and_other_resident_pages_fit_a_phone(phone, live_server):
    layout = Layout(phone)
    phone.goto("/")
    layout.check("portal")
    phone.goto("/?q=住民票")
    layout.check("search results")
    phone.goto("/?q=該当しない言葉")
    layout.check("search without results")
    path = Shortcut(phone, live_server.definition("juminhyo-copy"), {"requester": "third_party"}).until()
    phone.goto(path)
    layout.check("exit page")
    phone.goto("/forms/juminhyo-copy/")
    layout.check("start page with an application in progress")
    phone.context.clear_cookies()
    phone.goto("/forms/juminhyo-copy/pages/subject")
    layout.check("expired application")
    path = Shortcut(phone, live_server.definition("juminhyo-copy")).until("subject")
    phone.goto(f"/language/en?next={path}")
    layout.check("English question page")
    submit_empty(phone, "Continue")
    layout.check("English question page with errors")
    layout.assert_fine()


def test_error_pages_fit_a_phone(phone, live_server):
    layout = Layout(phone)
    assert phone.goto("/forms/no-such-procedure/").status == 404
    layout.check("404")
    live_server.definition("juminhyo-copy")
    phone.goto("/forms/juminhyo-copy/")
    # A form whose token has gone (e.g. a page left open across a restart): the CSRF page.
    phone.locator("input[name=csrf_token]").evaluate_all("inputs => inputs.forEach(i => i.remove())")
    phone.get_by_role("button", name=re.compile("申請を始める|今すぐ申請")).first.click()
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    layout.check("CSRF refusal")
    assert phone.goto("/staff/no-such-page").status == 404
    layout.check("404 under /staff")
    layout.assert_fine()


# --- signed in: the header, 申請履歴, an application, withdrawal ----------------------------

def sign_in_with_card(page: Page, layout: Layout, holder: str, next_path: str = "/my/") -> None:
    page.goto(f"/auth/login?next={next_path}")
    layout.check("mock IdP: choose a card")
    page.get_by_role("button", name="認証する").click()  # nothing chosen: the IdP's errors
    layout.check("mock IdP: with errors")
    page.get_by_label(holder, exact=False).check(force=True)
    page.get_by_label("利用者証明用電子証明書の暗証番号").fill("1234")
    page.get_by_role("button", name="認証する").click()
    page.wait_for_url(f"**{next_path}")


def test_signed_in_pages_fit_a_phone(phone, live_server):
    layout = Layout(phone)
    phone.goto("/mock-idp/")
    layout.check("mock IdP: test cards")
    # The longest name of the test cards: 勘解由小路 左衛門三郎之丞龍之介.
    sign_in_with_card(phone, layout, "勘解由小路")
    layout.check("申請履歴 (empty)")
    layout.name_in_header("申請履歴")

    number = walk(phone, layout, live_server.definition("hoiku-riyou"), {}, check_errors=False)
    layout.name_in_header("hoiku-riyou: confirmation")
    Shortcut(phone, live_server.definition("juminhyo-copy")).until("contents")  # a draft too

    phone.goto("/my/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("申請履歴")
    layout.check("申請履歴")
    layout.name_in_header("申請履歴")
    rows = phone.get_by_role("row").filter(has=phone.get_by_role("link", name=number))
    expect(rows).to_have_count(1)
    layout.one_line(rows.get_by_role("link", name=number), "reception number in 申請履歴")
    rows.get_by_role("link", name=number).click()
    layout.check("an application in 申請履歴")
    withdraw = phone.get_by_role("link", name=re.compile("取り下げ"))
    if withdraw.count():
        withdraw.first.click()
        layout.check("withdrawal")
    else:
        layout.problems.append("an application in 申請履歴: no link to withdraw it")
    phone.get_by_role("button", name="ログアウト").first.click()
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    layout.check("signed out")
    layout.assert_fine()


def test_the_phone_layout_is_accessible(phone_axe, live_server):
    """axe-core on what the phone layout rearranges: the header and the compact steps."""
    phone_axe.goto("/")
    assert_accessible(phone_axe, "portal at 390 px")
    path = Shortcut(phone_axe, live_server.definition("sodai-gomi"), {"has_recycling_appliances": False}
                    ).until("collection_place")
    phone_axe.goto(path)
    expect(phone_axe.locator(".steps__item--done").first).to_be_visible()
    assert_accessible(phone_axe, "question page with the steps at 390 px")


# --- staff pages ----------------------------------------------------------------------------

def test_staff_pages_reachable_by_links_fit_a_phone(phone, live_server):
    make_staff(live_server.app, "phone-admin", "admin", "reviewer", "counter", "approver", name="狭幅 確認太郎")
    make_submissions(live_server.app, "sodai-gomi", 2)
    layout = Layout(phone)
    phone.goto("/staff/login")
    layout.check("staff login")
    sign_in_staff(phone, "phone-admin")

    seen_shapes: set[str] = set()
    queue = ["/staff/"]
    while queue and len(layout.checked) < MAX_PAGES:
        path = queue.pop(0)
        if shape(path) in seen_shapes:
            continue
        seen_shapes.add(shape(path))
        response = phone.goto(path)
        assert response.status == 200, (path, response.status)
        layout.check(path)
        for href in phone.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urlparse(urljoin(live_server.url + path, href))
            if target.netloc != urlparse(live_server.url).netloc or DOWNLOADS.search(target.path):
                continue
            if target.path.startswith(STAFF_AREAS) and shape(target.path) not in seen_shapes:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    areas = {path.split("/")[1] for path in layout.checked if path.startswith("/")}
    assert {"staff", "counter", "admin"} <= areas, layout.checked
    for expected in ("/staff/submissions/X", "/admin/forms/X", "/admin/forms/X/edit", "/admin/forms/X/yaml",
                     "/admin/forms/X/pages/X", "/admin/forms/X/pages/X/fields/X", "/counter"):
        assert any(shape(path).startswith(expected) for path in layout.checked if path.startswith("/")), \
            (expected, layout.checked)
    layout.assert_fine()


def test_counter_pages_fit_a_phone(phone, live_server):
    make_staff(live_server.app, "phone-clerk", "counter", name="窓口 次郎")
    live_server.definition("inu-touroku")
    layout = Layout(phone)
    sign_in_staff(phone, "phone-clerk")
    phone.goto("/counter/")
    layout.check("counter home")
    phone.get_by_role("button", name="次へ進む").click()
    expect(phone.locator(".error-summary")).to_be_visible()
    layout.check("counter home with an error")
    phone.get_by_role("radio", name="マイナンバーカードを読み取る").check(force=True)
    phone.get_by_role("button", name="次へ進む").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("マイナンバーカードの読み取り")
    layout.check("counter: card")
    phone.get_by_role("radio", name=re.compile("^勘解由小路")).check(force=True)
    phone.get_by_label("券面事項入力補助用の暗証番号").fill("1234")
    phone.get_by_label("券面事項入力補助用の暗証番号").press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_have_text("申請者の情報")
    layout.check("counter: resident's details")
    kana = phone.get_by_role("group", name="フリガナ")
    kana.get_by_role("textbox", name="セイ").fill("カデノコウジ")
    kana.get_by_role("textbox", name="メイ").fill("サエモンサブロウノジョウリュウノスケ")
    phone.get_by_role("textbox", name="電話番号").fill("090-1111-2222")
    phone.get_by_role("textbox", name="電話番号").press("Enter")
    expect(phone.locator(".counter-procedures, main")).not_to_have_count(0)
    layout.check("counter: visit")
    phone.get_by_role("searchbox", name="手続きの名前で探す").fill("犬")
    phone.get_by_role("searchbox", name="手続きの名前で探す").press("Enter")
    phone.get_by_role("button", name="犬の登録と狂犬病予防注射済票の交付申請").click()
    expect(phone.locator(".page-list")).to_be_visible()
    layout.check("counter: a question page in the staff layout")
    phone.goto("/counter/cashbook")
    layout.check("counter: 収納日計")
    layout.assert_fine()
