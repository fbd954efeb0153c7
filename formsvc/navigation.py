"""Where a visitor may be sent next: local paths only (no open redirects)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

from flask import request

# C0 controls and DEL: browsers drop or mangle them in URLs; in a header they are an error.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def safe_local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects).

    Browsers are lenient (WHATWG URL parsing): they drop tabs and line breaks anywhere, read a
    backslash as a slash and strip surrounding control characters, so ``/<TAB>/evil.example``
    means ``//evil.example``, another host. Rather than imitate every rule, anything a browser
    could read differently is refused outright (controls, backslashes), and the path must not
    start with two slashes even after one more round of percent-decoding or fullwidth folding
    (``/%2F``, ``/／``), which a proxy or a later hop might apply.
    """
    if not isinstance(target, str) or not target.startswith("/"):
        return None
    if _CONTROL_CHARACTERS.search(target) or "\\" in target:
        return None
    decoded = unquote(target)
    for variant in (decoded, unicodedata.normalize("NFKC", decoded)):
        normalised = _CONTROL_CHARACTERS.sub("", variant).replace("\\", "/")
        if not normalised.startswith("/") or normalised.startswith("//"):
            return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def return_path_after_sign_in() -> str | None:
    """Where to continue after signing in: this page, or for a form sent while signed out (a
    POST cannot be repeated by a link: it would end on 405) the page it was sent from."""
    if request.method in ("GET", "HEAD"):
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    return safe_local_path(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
