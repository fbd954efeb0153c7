"""The mock payment provider's tests reuse the payments tests' app and fee procedure."""

from tests.payments.conftest import pay_app, pay_client  # noqa: F401  # fixtures
