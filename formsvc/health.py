"""GET /healthz for load balancers: 200 when the database answers, 503 otherwise."""

from flask import Blueprint, jsonify

from formsvc.db import database

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    if database().is_reachable():
        return jsonify(status="ok", database="ok"), 200
    return jsonify(status="unavailable", database="unreachable"), 503
