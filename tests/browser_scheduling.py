"""pytest-xdist's scheduling for `make test` (--dist loadgroup): every browser test on one worker.

The browser tests share one chromium and one live server per worker (tests/browser/conftest.py),
so they run together on one worker while the others share out the rest, test by test.
pytest-xdist's own grouping (the xdist_group mark) is lost on pytest 9, which no longer lets a
plugin rename a test (xdist 3.8 appends the group to the test's id); this groups by path instead.
"""

from __future__ import annotations

from xdist.scheduler import LoadGroupScheduling

BROWSER_TESTS = "tests/browser/"


class BrowserTestsTogether(LoadGroupScheduling):
    def _split_scope(self, nodeid: str) -> str:
        if nodeid.startswith(BROWSER_TESTS):
            return BROWSER_TESTS
        return super()._split_scope(nodeid)
