"""After start-up the app's objects are frozen for the garbage collector (issue 17: a full
collection walked ~170k objects every ~2,000 requests); not in tests, which make many apps."""

from __future__ import annotations

import gc

from formsvc import create_app


def test_start_up_freezes_what_it_built(tmp_path):
    gc.unfreeze()
    try:
        create_app({"TESTING": False, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
                    "SECRET_KEY": "x", "INSTANCE_DIR": str(tmp_path)})
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_a_test_app_freezes_nothing(tmp_path):
    gc.unfreeze()
    create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
                "SECRET_KEY": "x", "INSTANCE_DIR": str(tmp_path)})
    assert gc.get_freeze_count() == 0
