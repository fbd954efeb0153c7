"""The mock provider's endpoints, under /mock-idp (mounted only when MOCK_IDP_ENABLED).

    GET  /mock-idp/.well-known/openid-configuration   discovery
    GET  /mock-idp/jwks                                the public signing key
    GET  /mock-idp/authorize                           the card step (choose a test card, PIN)
    POST /mock-idp/authorize                           認証する / キャンセル
    POST /mock-idp/token                               code → ID token and access token
    GET  /mock-idp/userinfo  (and POST)                the 基本4情報 for a Bearer access token
    GET  /mock-idp/                                    the test cards, their PINs and lock state
    POST /mock-idp/reset-cards                         unlock every test card

Modules, by area: discovery (discovery and keys), authorize (the card step), cards_page
(the cards' page and reset), tokens (token and userinfo).
"""

from formsvc.mock_idp.views import authorize, cards_page, discovery, tokens  # noqa: F401  (the routes)
from formsvc.mock_idp.views.blueprint import blueprint

__all__ = ["blueprint"]
