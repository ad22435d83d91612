"""Access tokens for the Google Calendar API, from google-auth: the only code that touches credentials.

Two kinds of credentials, told apart by the ``type`` field of their JSON:

* ``service_account``: a Workspace service account with domain-wide
  delegation; careerconv acts as each organizer (``with_subject``), so the
  events sit in the manager's own calendar and invitations come from them.
* ``authorized_user``: one person's OAuth client id, secret and refresh
  token; careerconv acts as that person only.

Tokens are asked for with the narrowest scopes that do the work (``SCOPES``)
at the token endpoint the settings name (the tests point it at a fake). A
refusal there becomes an ``AdapterError`` naming the setting or the person and
the fix; the JSON's key and secrets never reach a message.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

import requests
from google.auth import exceptions as google_errors
from google.auth.transport.requests import Request
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from careerconv_core.errors import AdapterError, ConfigurationError

ADAPTER = "google"
SCOPES = (
    "https://www.googleapis.com/auth/calendar.events.owned",
    "https://www.googleapis.com/auth/calendar.events.freebusy",
)
"""Create, change and delete events on calendars the user owns; see others' free/busy. Nothing else."""
TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - an address, not a secret


class Tokens:
    """Access tokens per acting user, refreshed when they expire or the API refuses them.

    ``subject`` None acts as the credentials' own account (a user's OAuth
    credentials, or a service account without delegation).
    """

    def __init__(
        self,
        info: Mapping[str, Any],
        *,
        scopes: Sequence[str] = SCOPES,
        token_uri: str = "",
        session: requests.Session | None = None,
        timeout: float = 10.0,
        where: str = "setting 'credentials_env'",
    ) -> None:
        self.kind = str(info.get("type", ""))
        self.scopes = tuple(scopes)
        self.token_uri = token_uri or str(info.get("token_uri") or TOKEN_URI)
        self.where = where
        self._info = {**info, "token_uri": self.token_uri}
        self._session = session or requests.Session()
        self._timeout = timeout
        self._lock = threading.Lock()
        self._by_subject: dict[str | None, Any] = {}
        self.refreshes = 0
        self._base = self._load()

    def close(self) -> None:
        """Close the token endpoint's connections."""
        self._session.close()

    @property
    def delegated(self) -> bool:
        """Whether these credentials may act as any user of the domain (a service account)."""
        return self.kind == "service_account"

    def _load(self) -> Any:
        try:
            if self.kind == "service_account":
                return service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
                    self._info, scopes=list(self.scopes)
                )
            if self.kind == "authorized_user":
                user = user_credentials.Credentials.from_authorized_user_info(  # type: ignore[no-untyped-call]
                    self._info, scopes=list(self.scopes)
                )
                # The loader always names Google's endpoint; the setting's must win (tests, proxies).
                return user.with_token_uri(self.token_uri)
        except (ValueError, KeyError, google_errors.GoogleAuthError):
            raise ConfigurationError(
                f"calendar 'google': the credentials in {self.where} cannot be read "
                "(a field is missing or the key is damaged); download the JSON again"
            ) from None
        raise ConfigurationError(
            f"calendar 'google': the credentials in {self.where} are of type {self.kind or 'none'!r}; "
            "give a service account key ('service_account') or a user's OAuth credentials "
            "('authorized_user')"
        )

    def _credentials(self, subject: str | None) -> Any:
        if subject not in self._by_subject:
            base = self._base
            self._by_subject[subject] = base.with_subject(subject) if subject and self.delegated else base
        return self._by_subject[subject]

    def token(self, subject: str | None, *, fresh: bool = False) -> str:
        """A valid access token acting as ``subject``; ``fresh`` asks for a new one.

        :raises AdapterError: the token endpoint refused (named, with the fix) or did not answer.
        """
        with self._lock:
            creds = self._credentials(subject)
            if fresh or not creds.valid:
                self._refresh(creds, subject)
            return str(creds.token)

    def _refresh(self, creds: Any, subject: str | None) -> None:
        request = _TimedRequest(self._session, self._timeout)
        try:
            creds.refresh(request)
        except google_errors.RefreshError as exc:
            raise self._refused(exc, subject) from None
        except google_errors.TransportError:
            raise AdapterError(
                ADAPTER,
                "the token endpoint (setting 'token_uri') did not answer; will try again",
                retryable=True,
            ) from None
        self.refreshes += 1

    def _refused(self, exc: google_errors.RefreshError, subject: str | None) -> AdapterError:
        data = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], Mapping) else {}
        code = str(data.get("error", ""))
        said = str(data.get("error_description", ""))[:120]
        scopes = ", ".join(self.scopes)
        if getattr(exc, "retryable", False):
            return AdapterError(ADAPTER, "the token endpoint failed for now; will try again", retryable=True)
        if code == "unauthorized_client":
            fix = (
                "in the Admin console (Security > API controls > Domain-wide delegation) give the "
                f"service account's client id the scopes {scopes}"
                if self.delegated
                else f"the OAuth client may not ask for the scopes {scopes}; add them to its consent screen"
            )
            return AdapterError(ADAPTER, f"Google refused a token ({code}); {fix}", misconfigured=True)
        if code == "invalid_grant" and subject and self.delegated and "user id" in said.lower():
            return AdapterError(
                ADAPTER,
                f"Google will not let the service account act as {subject}: not a user of the "
                "Workspace domain, or suspended. Fix: invite them from an address in the domain, or "
                "set 'subject' to a user of the domain",
            )
        if code == "invalid_grant":
            return AdapterError(
                ADAPTER,
                f"Google refused the credentials in {self.where} (invalid_grant: expired or revoked). "
                "Fix: make new credentials (a new key, or sign in again for a new refresh token)",
                misconfigured=True,
            )
        detail = f"{code}: {said}" if code else "refused"
        return AdapterError(
            ADAPTER,
            f"Google refused a token ({detail}); check {self.where} and 'token_uri'",
            misconfigured=True,
        )


class _TimedRequest(Request):
    """google-auth's requests transport with our timeout on every token request."""

    def __init__(self, session: requests.Session, timeout: float) -> None:
        super().__init__(session)
        self._our_timeout = timeout

    def __call__(
        self,
        url: Any,
        method: Any = "GET",
        body: Any = None,
        headers: Any = None,
        timeout: Any = None,
        **kwargs: Any,
    ) -> Any:
        wait = self._our_timeout if timeout is None else timeout
        return super().__call__(url, method, body, headers, wait, **kwargs)  # type: ignore[no-untyped-call]
