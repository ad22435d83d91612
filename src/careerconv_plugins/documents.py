"""TOML documents people write (careerconv.toml, org files, record files), read one way.

The core reads JSON only; TOML is read at the edges, here, with the same
readable refusals: not TOML, nested too deeply (Python's reader recurses and
would raise ``RecursionError``), or a number too long to read (``ValueError``).
"""

from __future__ import annotations

import tomllib
from typing import Any

from careerconv_core.serialization import TOO_DEEP, TOO_LONG, InvalidDocument


def read_toml(text: str, where: str) -> dict[str, Any]:
    """TOML ``text`` as a table; ``InvalidDocument`` naming ``where`` when it is not TOML,
    is nested too deeply or holds a number too long to read."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidDocument([f"{where}: not valid TOML ({exc})"]) from None
    except RecursionError:
        raise InvalidDocument([f"{where}: {TOO_DEEP}"]) from None
    except ValueError:
        raise InvalidDocument([f"{where}: {TOO_LONG}"]) from None
