"""Open-redirect attempts for every `next=` parameter, and how a browser reads a Location header.

The values are what the view receives (the query string already percent-decoded once), so
``"/\\t/evil.example/x"`` is what ``?next=/%09/evil.example/x`` arrives as.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urljoin, urlsplit

EVIL = "evil.example"

# Each must be refused: the view falls back to its default page.
BYPASSES = [
    f"//{EVIL}/x",
    f"///{EVIL}/x",
    f"////{EVIL}/x",
    f"/\\{EVIL}/x",
    f"\\\\{EVIL}/x",
    f"\\/{EVIL}/x",
    f"/\t/{EVIL}/x",           # ?next=/%09/evil.example/x
    f"/%09/{EVIL}/x",          # ?next=/%2509/... : decoded once more by a proxy or a second hop
    f"/\r\n/{EVIL}/x",
    f"/\r/{EVIL}/x",
    f"/\n/{EVIL}/x",
    f"/\x0b/{EVIL}/x",
    f"\x00//{EVIL}/x",
    f"/\x00/{EVIL}/x",
    f" //{EVIL}/x",
    f"\t//{EVIL}/x",
    f"//{EVIL}\t/x",
    f"/%2F{EVIL}/x",
    f"/%2f%2f{EVIL}/x",
    f"%2F%2F{EVIL}",
    f"/%5C{EVIL}/x",
    f"/%5c%5c{EVIL}",
    f"https://{EVIL}/x",
    f"http:{EVIL}",
    f"http:/{EVIL}",
    f"http:\\\\{EVIL}",
    f"HTTPS://{EVIL}",
    "javascript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    f"//localhost@{EVIL}/x",
    f"/\uff0f{EVIL}/x",          # FULLWIDTH SOLIDUS
    f"\uff0f\uff0f{EVIL}/x",
    f"/\uff3c{EVIL}/x",          # FULLWIDTH REVERSE SOLIDUS
    f"{EVIL}/x",
    "",
    "\r\n",
]

# These stay on this site and are kept as they are.
LOCAL = [
    "/forms/sample-permit/pages/applicant?return=check",
    "/my/applications/ABCD-EF23",
    "/staff/queue?status=new&q=%E5%B1%B1%E7%94%B0",
    f"/.//{EVIL}/x",               # a path segment: it stays on this host
    "/forms/a%2Fb",
]

_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def browser_target(location: str, base: str = "http://localhost/here") -> str:
    """The absolute URL a browser goes to for ``location`` (the WHATWG URL parser's rules for
    http(s): surrounding C0 controls and spaces dropped, tab/CR/LF removed anywhere, a
    backslash read as a slash)."""
    cleaned = re.sub(r"[\t\r\n]", "", location.strip(_C0_AND_SPACE)).replace("\\", "/")
    return urljoin(base, cleaned)


def stays_on_this_site(location: str) -> bool:
    """Also after one more round of percent-decoding and fullwidth folding, as a proxy or
    a second redirect might do."""
    for variant in (location, unquote(location), unicodedata.normalize("NFKC", unquote(location))):
        target = urlsplit(browser_target(variant))
        if (target.scheme, target.netloc) != ("http", "localhost"):
            return False
    return True
