"""The mock provider's blueprint, and ``no_store`` for its answers that must not be kept in a cache."""

from __future__ import annotations

from typing import TypeVar

from flask import Blueprint
from werkzeug.wrappers import Response

blueprint = Blueprint("mock_idp", __name__, url_prefix="/mock-idp")

AnyResponse = TypeVar("AnyResponse", bound=Response)


def no_store(response: AnyResponse) -> AnyResponse:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response
