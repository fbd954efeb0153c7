"""Demo mode's mock My Number card, plugged into the app (create_app calls ``register`` when
MOCK_IDP_ENABLED): its pages under /mock-idp, the residents' identity provider, the counter's
card reader."""

from __future__ import annotations

from flask import Flask

from formsvc.authentication.provider import register_embedded
from formsvc.counter import card_reader
from formsvc.mock_idp.card_reader import MockCardReader
from formsvc.mock_idp.provider import MockProvider
from formsvc.mock_idp.views.blueprint import blueprint  # its package adds the routes


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
    register_embedded(app, MockProvider())
    card_reader.register(app, MockCardReader())
