"""A MOCK My Number card identity provider (demo and tests only).

It imitates the Digital Agency's authentication app (デジタル認証アプリ): an OpenID Connect
provider with the authorization code flow, PKCE S256, required state and nonce, RS256-signed ID
tokens, pairwise subjects and the 基本4情報 (name, address, birthdate, gender) — never the 個人番号.

Plugged in only when MOCK_IDP_ENABLED is true (demo mode; registration.py): its pages under
/mock-idp, the residents' identity provider when no OIDC_ISSUER is set, and the counter's card
reader. Only the app factory imports it (and formsvc.models, for its tables). Modules:
    cards        the fictional test cards (with their PINs) and the claims they carry
    card_states  the test cards as the pages show them (PIN state, why one is refused)
    pins         the PIN locks: three wrong PINs in a row lock a card's PIN (sign-in and counter)
    clients      registered relying parties and their redirect URIs
    models       PIN lock state, authorization codes and access tokens (in the database)
    service      the protocol: codes, tokens, pairwise subjects
    signing      the RSA key, its JWKS and its signatures (JOSE itself: formsvc.authentication.tokens)
    forms        what the pages send (WTForms)
    provider     the mock as the app's own identity provider (formsvc.authentication.provider)
    card_reader  the test cards as the counter's card reader (formsvc.counter.card_reader)
    registration plugging all this into the app
    views        the blueprint, by area
"""
