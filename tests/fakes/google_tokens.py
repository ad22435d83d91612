"""The fake Google token endpoint: service accounts' signed JWTs and users' refresh tokens.

A JWT bearer grant is verified as Google does: RS256 with the account's public
key, the audience Google's own token URL (google-auth always names it), a
short lifetime; ``sub`` must be a user of the domain and the scopes those the
admin granted to the account (domain-wide delegation). A refresh-token grant
needs the OAuth client's id and secret and a refresh token not revoked.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding


def _b64(data: str) -> bytes:
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def issue(state: Any, serial: Iterator[int], user: str, scopes: set[str]) -> dict[str, Any]:
    """A new access token for ``user`` with ``scopes``, expiring as the state says."""
    token = f"ya29.fake-{next(serial)}"
    state.tokens[token] = (user, scopes, time.time() + state.token_lifetime)
    return {"access_token": token, "expires_in": state.token_lifetime, "token_type": "Bearer"}


def answer(state: Any, serial: Iterator[int], form: dict[str, list[str]]) -> tuple[int, Any]:
    """The token endpoint's answer to one form: a JWT bearer grant or a refresh-token grant."""
    grant = form.get("grant_type", [""])[0]
    if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
        return _jwt_grant(state, serial, form.get("assertion", [""])[0])
    if grant == "refresh_token":
        client, secret = form.get("client_id", [""])[0], form.get("client_secret", [""])[0]
        if state.oauth_clients.get(client) != secret:
            return 401, {"error": "invalid_client", "error_description": "Unauthorized"}
        found = state.refresh_tokens.get(form.get("refresh_token", [""])[0])
        if found is None:
            return 400, {
                "error": "invalid_grant",
                "error_description": "Token has been expired or revoked.",
            }
        user, scopes = found
        asked = set(form.get("scope", [""])[0].split()) or scopes
        if not asked <= scopes:
            return 400, {"error": "invalid_scope", "error_description": "scope not granted"}
        return 200, {**issue(state, serial, user, asked), "scope": " ".join(sorted(asked))}
    return 400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type"}


def _jwt_grant(state: Any, serial: Iterator[int], assertion: str) -> tuple[int, Any]:
    bad = {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
    try:
        head, payload, signature = assertion.split(".")
        header, claims = json.loads(_b64(head)), json.loads(_b64(payload))
    except ValueError:
        return 400, bad
    key = state.service_accounts.get(claims.get("iss", ""))
    if key is None or header.get("alg") != "RS256":
        return 400, bad
    try:
        key.verify(_b64(signature), f"{head}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
    except Exception:  # noqa: BLE001 - any failure to verify is a bad signature
        return 400, bad
    # google-auth always names Google's endpoint as the audience, wherever it posts.
    if (
        claims.get("aud") != "https://oauth2.googleapis.com/token"
        or not claims.get("iat", 0) <= time.time() + 60 < claims.get("exp", 0) + 60
    ):
        return 400, {
            "error": "invalid_grant",
            "error_description": "Invalid JWT: Token must be a short-lived token",
        }
    scopes = set(str(claims.get("scope", "")).split())
    subject = claims.get("sub")
    if subject is None:
        return 200, issue(state, serial, claims["iss"], scopes)
    if subject not in state.users:
        return 400, {"error": "invalid_grant", "error_description": "Invalid email or User ID"}
    if not scopes <= state.granted_scopes:
        return 401, {
            "error": "unauthorized_client",
            "error_description": "Client is unauthorized to retrieve access tokens using this method, "
            "or client not authorized for any of the scopes requested.",
        }
    return 200, issue(state, serial, subject, scopes)
