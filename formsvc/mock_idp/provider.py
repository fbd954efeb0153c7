"""The mock as this application's own identity provider (demo mode, when no OIDC_ISSUER is set)."""

from __future__ import annotations

from formsvc.authentication.provider import ProviderSettings
from formsvc.mock_idp.clients import DEMO_CLIENT_ID, default_client_secret
from formsvc.mock_idp.service import issuer


class MockProvider:
    """formsvc.authentication.provider.EmbeddedProvider: the demo client of the mounted mock."""

    def settings(self) -> ProviderSettings:
        # The issuer is this app's own URL, reached in-process.
        return ProviderSettings(issuer=issuer(), client_id=DEMO_CLIENT_ID, client_secret=default_client_secret(),
                                in_process=True)
