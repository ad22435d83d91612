"""The web surface: the report's own pages, and the manager's, as an ASGI application.

``create_app`` builds it for a host tool to mount under its own path;
``careerconv serve`` runs it alone (``from_home``). Who is acting is proven
by signed links (``links``) or by the host's sign-in (``identify``). Needs
the ``web`` extra: ``pip install "careerconv[web]"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from careerconv.web.links import Link, LinkRefused, Signer

if TYPE_CHECKING:
    from careerconv.web.asgi import Identify, create_app
    from careerconv_core.plugins import PluginHost

__all__ = ["Identify", "Link", "LinkRefused", "Signer", "create_app", "from_home"]


def __getattr__(name: str) -> Any:
    # Starlette is imported only when the pages are wanted: the composition root reads the
    # [web] table and signs links without the web extra installed.
    if name in {"create_app", "Identify"}:
        from careerconv.web import asgi

        return getattr(asgi, name)
    raise AttributeError(name)


def from_home(home: str, *, identify: Identify | None = None, host: PluginHost | None = None) -> Any:
    """The web surface over the careerconv home ``home``, as its ``[web]`` table configures.

    ``identify`` is the host's sign-in; without it, a plugin implementing the
    ``careerconv_web_identify`` hook plays that part, if one is installed
    (``host``: the plugin host to use, by default the installed plugins').
    """
    from pathlib import Path

    from careerconv.app import App
    from careerconv.web.asgi import create_app
    from careerconv.web.settings import web_settings

    app = App.load(Path(home), host)
    settings = web_settings(app.config)
    hook = app.host.pm.hook.careerconv_web_identify
    if identify is None and hook.get_hookimpls():  # a plugin's sign-in (careerconv_web_identify)
        identify = lambda request: hook(request=request)  # noqa: E731 - one call, named by its hook
    return create_app(
        app.services(),
        settings.signer(),
        catalog=app.catalog(),
        identify=identify,
        frame_ancestors=settings.frame_ancestors,
    )
