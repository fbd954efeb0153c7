"""A MOCK My Number card identity provider (demo and tests only).

It imitates the Digital Agency's authentication app (デジタル認証アプリ): an OpenID Connect
provider with the authorization code flow, PKCE S256, required state and nonce, RS256-signed ID
tokens, pairwise subjects and the 基本4情報 (name, address, birthdate, gender) — never the 個人番号.

Mounted under /mock-idp only when MOCK_IDP_ENABLED is true (demo mode); see views.py.
Modules:
    cards    the fictional test cards (with their PINs) and the claims they carry
    clients  registered relying parties and their redirect URIs
    models   PIN lock state, authorization codes and access tokens (in the database)
    service  the protocol: codes, tokens, pairwise subjects, PIN checks, card reset
    signing  the RSA key and every JOSE operation (the only module that imports python-jose)
    views    the blueprint
"""
