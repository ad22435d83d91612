"""The Jira tracker's settings, checked once (pure): every problem names the setting and the fix.

The token is read from the environment variable ``token_env`` names and is
never kept in a ``repr`` or shown in a message.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Literal

from attrs import field, frozen

from careerconv_core.errors import ConfigurationError
from careerconv_core.setting import Setting, SettingType, declared
from careerconv_plugins.settings import service_url, shown_env

Deployment = Literal["cloud", "datacenter"]

LABEL_OK = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
"""What Jira accepts as a label, and all that may ever reach JQL."""
FIELD_ID_OK = re.compile(r"^(?:[a-z][A-Za-z]*|customfield_[0-9]+)$")
"""A system field id (``duedate``) or a custom one (``customfield_10015``)."""
_PROJECT_OK = re.compile(r"^[A-Z][A-Z0-9_]{0,254}$")
_ISSUE_KEY_OK = re.compile(r"^[A-Z][A-Z0-9_]*-[1-9][0-9]*$")
_CUSTOM_FIELD_OK = re.compile(r"^customfield_[0-9]+$")


def _bad(setting: str, problem: str, fix: str) -> ConfigurationError:
    return ConfigurationError(f"jira setting {setting!r}: {problem}. Fix: {fix}")


@frozen
class JiraSettings:
    """Checked settings of one Jira tracker. The token itself is never kept in ``repr``."""

    url: str
    project: str
    issue_type: str
    deployment: Deployment
    api_version: str
    email: str
    token_env: str
    token: str = field(repr=False)
    label_prefix: str = "careerconv-"
    epic: str | None = None
    epic_field: str = "parent"
    security_level: str | None = None
    due_field: str = "duedate"
    done_when_field: str | None = None
    done_transition: str | None = None
    timeout: float = 10.0
    max_attempts: int = 3
    max_retry_wait: float = 60.0
    state_directory: str | None = None

    @property
    def assignee_by(self) -> str:
        """Cloud names users by ``accountId``; Data Center by ``name``."""
        return "accountId" if self.deployment == "cloud" else "name"

    @property
    def custom_fields(self) -> tuple[str, ...]:
        """Field ids that must exist in Jira for these settings to work."""
        ids = [self.due_field, self.epic_field if self.epic else None, self.done_when_field]
        return tuple(f for f in ids if f and f.startswith("customfield_"))


SETTINGS = (
    "url",
    "project",
    "issue_type",
    "deployment",
    "api_version",
    "email",
    "token_env",
    "label_prefix",
    "epic",
    "epic_field",
    "security_level",
    "due_field",
    "done_when_field",
    "done_transition",
    Setting("timeout", SettingType.NUMBER, "seconds to wait for the server"),
    Setting("max_attempts", SettingType.INTEGER, "tries of one request"),
    Setting("max_retry_wait", SettingType.NUMBER, "most seconds to wait for a retry"),
    Setting(
        "state_directory",
        SettingType.PATH,
        "folder where the ids of the issues careerconv made are kept (tells a deleted issue "
        "from one Cloud's search has not indexed yet); relative to the home",
        "jira-state",
    ),
)


def _number(raw: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    text = raw.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise _bad(name, f"{text!r} is not a number", f'give a number, e.g. {name} = "{default:g}"') from None
    if not (low <= value <= high) or math.isnan(value):
        raise _bad(name, f"{value:g} is out of range", f"use a value from {low:g} to {high:g}")
    return value


def parse_settings(  # noqa: PLR0912, PLR0915 - one flat check per setting reads best
    raw: Mapping[str, str], environ: Mapping[str, str]
) -> JiraSettings:
    """Check ``raw`` settings and read the token from ``environ``.

    :raises ConfigurationError: naming the setting and the fix; never the token.
    """
    # Numbers from a TOML file (timeout = 10) are taken as their text.
    raw = {k: str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for k, v in raw.items()}
    names = [setting.name for setting in declared(SETTINGS)]
    unknown = sorted(set(raw) - set(names))
    if unknown:
        raise _bad(unknown[0], "is not a Jira setting", f"use one of: {', '.join(names)}")

    def get(name: str, default: str = "") -> str:
        value = raw.get(name, default)
        if not isinstance(value, str):
            raise _bad(name, "must be a string", "quote the value in the configuration")
        return value.strip()

    url = get("url").rstrip("/")
    if not re.match(r"^https?://[^\s/?#]+(?:/[^\s?#]*)?$", url):
        raise _bad(
            "url",
            "missing or not an http(s) base URL",
            "set url to your site, e.g. https://example.atlassian.net",
        )
    service_url(url, where="tracker 'jira'", setting="url", example="https://example.atlassian.net")
    if "/rest/" in url + "/":
        raise _bad(
            "url",
            "must be the site's base URL, not a REST path",
            f"set url to {url.split('/rest/')[0] or 'the base URL'}",
        )
    project = get("project").upper()
    if not _PROJECT_OK.match(project):
        raise _bad(
            "project",
            f"{project!r} is not a Jira project key",
            "set project to the key shown in Jira, e.g. CAREER (upper-case)",
        )
    issue_type = get("issue_type", "Task")
    if not issue_type or len(issue_type) > 255 or any(c in issue_type for c in "\r\n"):
        raise _bad("issue_type", "must be a single-line name", 'set it, e.g. issue_type = "Task"')
    deployment = get("deployment").lower().replace(" ", "")
    if deployment == "server":
        deployment = "datacenter"  # Jira Server has Data Center's REST API
    if deployment not in ("cloud", "datacenter"):
        raise _bad(
            "deployment",
            f"{deployment!r} is neither 'cloud' nor 'datacenter'",
            'set deployment = "cloud" for *.atlassian.net, "datacenter" for your own server',
        )
    dep: Deployment = "cloud" if deployment == "cloud" else "datacenter"
    api_version = get("api_version", "3" if dep == "cloud" else "2")
    if api_version not in ("2", "3") or (dep == "datacenter" and api_version != "2"):
        raise _bad(
            "api_version",
            f"{api_version!r} is not available on {dep}",
            'use "3" or "2" on cloud, "2" on datacenter (or leave it out)',
        )
    email = get("email")
    if dep == "cloud" and "@" not in email:
        raise _bad(
            "email",
            "Jira Cloud needs the email address of the account the API token belongs to",
            'set email = "you@example.com"',
        )
    token_env = get("token_env", "JIRA_API_TOKEN")
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", token_env):
        raise _bad(
            "token_env",
            "must be the NAME of an environment variable, not the token",
            'set token_env = "JIRA_API_TOKEN" and export the token in that variable',
        )
    token = environ.get(token_env, "").strip()
    if not token:
        what = "an API token" if dep == "cloud" else "a personal access token"
        raise _bad(
            "token_env",
            f"environment variable {shown_env(token_env)} is empty or not set",
            f"export {shown_env(token_env)}=<{what}>",
        )
    label_prefix = get("label_prefix", "careerconv-")
    if label_prefix and not LABEL_OK.match(label_prefix):
        raise _bad(
            "label_prefix",
            "labels allow only letters, digits, '_' and '-'",
            'use e.g. label_prefix = "careerconv-"',
        )
    epic = get("epic") or None
    if epic is not None and not _ISSUE_KEY_OK.match(epic):
        raise _bad("epic", f"{epic!r} is not an issue key", "set epic to a key like CAREER-12")
    epic_field = get("epic_field", "parent")
    security = get("security_level") or None
    if security is not None and (len(security) > 255 or any(c in security for c in "\r\n")):
        raise _bad("security_level", "must be a level id or name", 'set e.g. security_level = "10001"')
    due_field = get("due_field", "duedate")
    done_when_field = get("done_when_field") or None
    for name, value in (("due_field", due_field), ("epic_field", epic_field)):
        if not FIELD_ID_OK.match(value):
            raise _bad(name, f"{value!r} is not a field id", "use e.g. duedate or customfield_10015")
    if done_when_field is not None and not _CUSTOM_FIELD_OK.match(done_when_field):
        raise _bad(
            "done_when_field",
            f"{done_when_field!r} is not a custom field id",
            "use e.g. customfield_10042 (a single-line text field), or leave it out",
        )
    done_transition = get("done_transition") or None
    state_directory = get("state_directory") or None
    return JiraSettings(
        url=url,
        project=project,
        issue_type=issue_type,
        deployment=dep,
        api_version=api_version,
        email=email,
        token_env=token_env,
        token=token,
        label_prefix=label_prefix,
        epic=epic,
        epic_field=epic_field,
        security_level=security,
        due_field=due_field,
        done_when_field=done_when_field,
        done_transition=done_transition,
        timeout=_number(raw, "timeout", 10.0, 0.1, 300.0),
        max_attempts=int(_number(raw, "max_attempts", 3, 1, 10)),
        max_retry_wait=_number(raw, "max_retry_wait", 60.0, 0.0, 3600.0),
        state_directory=state_directory,
    )
