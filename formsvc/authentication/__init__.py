"""Residents' sign-in: an OpenID Connect relying party (the mock My Number card in demo mode)."""
