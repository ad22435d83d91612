"""The ``[web]`` table as the web surface and the composition root read it."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from attrs import frozen

from careerconv.config import table, web_from
from careerconv.web.links import NOTICE_STEPS, Signer, secret_from

DEFAULT_SECRET_ENV = "CAREERCONV_WEB_SECRET"  # noqa: S105 - the variable's name, not a secret


@frozen
class WebSettings:
    """What ``[web]`` says; ``configured`` is whether the table is there at all."""

    configured: bool
    base_url: str
    secret_env: str
    link_days: int
    allow_acting_for_others: bool
    frame_ancestors: str

    def signer(self) -> Signer:
        """The link signer, with the secret read from the environment now."""
        name = self.secret_env or DEFAULT_SECRET_ENV
        return Signer(secret_from(os.environ.get(name), name), self.link_days)

    def sign_link(self, clock: Callable[[], datetime]) -> Callable[[str, str, str, int], str | None] | None:
        """What the facade signs notices' links with, or None without a ``base_url``."""
        if not self.base_url:
            return None
        signer, base = self.signer(), self.base_url.rstrip("/")

        def sign(person_id: str, plan_id: str, kind: str, version: int) -> str | None:
            step = NOTICE_STEPS.get(kind)
            if step is None:
                return None
            return f"{base}/l/{signer.sign(person_id, plan_id, step, version, clock())}"

        return sign


def web_settings(config: Mapping[str, Any]) -> WebSettings:
    """The checked ``[web]`` table of a careerconv.toml."""
    w = web_from(table(config, "web"))
    return WebSettings(
        "web" in config,
        str(w["base_url"] or ""),
        str(w["secret_env"] or ""),
        int(w["link_days"]),
        bool(w["allow_acting_for_others"]),
        str(w["frame_ancestors"]),
    )
