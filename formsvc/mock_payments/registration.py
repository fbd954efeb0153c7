"""Demo mode's mock payment provider, plugged into the app (create_app calls ``register`` when
MOCK_PAYMENTS_ENABLED): its pages under /mock-pay, and its client in the payments registry."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from formsvc.config import load_or_create_instance_secret
from formsvc.mock_payments.client import MockPaymentProvider
from formsvc.mock_payments.commands import command
from formsvc.mock_payments.views import blueprint
from formsvc.payments import providers

NAME = "mock"


def register(app: Flask) -> None:
    if not app.config.get("PAYMENT_WEBHOOK_SECRET"):
        # The mock signs and the app verifies with one secret; generated once, like SECRET_KEY.
        app.config["PAYMENT_WEBHOOK_SECRET"] = load_or_create_instance_secret(
            Path(app.config["INSTANCE_DIR"]), "payment_webhook_secret")
    if not app.config.get("PAYMENT_PROVIDER"):
        app.config["PAYMENT_PROVIDER"] = NAME
    app.register_blueprint(blueprint)
    app.cli.add_command(command)
    providers.register(app, NAME, MockPaymentProvider())
