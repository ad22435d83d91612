"""Shell completion, answered by the parser itself: commands, subcommands, options, choices, people.

The scripts ``careerconv completion bash|zsh|fish`` prints are a few lines
each: on every Tab they run ``careerconv __complete WORD... CURRENT`` (the
words typed after ``careerconv``, the last the one being completed), which
walks the same argparse parser the command line runs, so completion cannot
drift from the commands. It prints one candidate a line; ``__files__`` asks
the shell for file names. Report, manager and person arguments complete with
the people stored in the ``--home`` given (``--home PATH`` or ``--home=PATH``, else
``$CAREERCONV_HOME``), ``action`` with the GROW actions as ``REPORT:ACTION``, ``catalog show``
with the catalog's roles, ``retry`` with the failed outbox entries and
``rebuild --adapter`` with the configured adapters; when the home cannot be
read, they complete with nothing, and never with an error.

bash splits a word at each character of ``COMP_WORDBREAKS`` (``:`` and ``=`` among them),
so ``jonas:men`` reaches its function as three words: the bash script joins them again
before asking, and takes off each answer what readline keeps before the last ``:`` or ``=``
(what bash-completion's ``__ltrim_colon_completions`` does, without needing it installed);
``-o filenames`` is set only when file names are offered, since readline would escape the
``:`` of an id it thinks a file name.
An option's value given in the same word (``--as=jo``) completes as ``--as=jonas``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from careerconv.app import App

COMPLETE = "__complete"
"""The hidden first word that asks for completions (not a command: it is in no help)."""
FILES = "__files__"
"""The answer that asks the shell to complete file names."""

_PEOPLE_DESTS = frozenset({"reports", "report", "manager", "team", "as_"})

SCRIPTS = {
    "bash": """# careerconv completion for bash: eval "$(careerconv completion bash)" in ~/.bashrc
_careerconv() {
    local IFS=$'\\n' out i w c cur value prefix
    local -a words=()
    # bash splits at COMP_WORDBREAKS: join 'jonas' ':' 'men' and '--home' '=' 'PATH' again
    for ((i = 1; i <= COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if ((${#words[@]})) && [[ $w == [:=]* || ${words[${#words[@]}-1]} == *[:=] ]]; then
            words[${#words[@]}-1]+=$w
        else
            words+=("$w")
        fi
    done
    cur=${words[${#words[@]}-1]}
    out=$(careerconv __complete "${words[@]}" 2>/dev/null)
    if [[ "$out" == __files__* ]]; then
        value=$cur
        [[ $cur == --*=* ]] && value=${cur#*=}
        compopt -o filenames 2>/dev/null  # here only: elsewhere it would escape the ':' of an id
        COMPREPLY=($(compgen -f -- "$value"))
        return
    fi
    COMPREPLY=($(compgen -W "$out" -- "$cur"))
    # readline replaces only what follows the word's last break character: take off what is before
    for c in : =; do
        if [[ $COMP_WORDBREAKS == *"$c"* && $cur == *"$c"* ]]; then
            prefix=${cur%"${cur##*"$c"}"}
            COMPREPLY=("${COMPREPLY[@]#"$prefix"}")
        fi
    done
}
complete -F _careerconv careerconv
""",
    "zsh": """#compdef careerconv
# careerconv completion for zsh: eval "$(careerconv completion zsh)" in ~/.zshrc (after compinit)
_careerconv() {
    local out
    out=$(careerconv __complete "${(@)words[2,CURRENT]}" 2>/dev/null)
    if [[ $out == __files__* ]]; then
        _files
        return
    fi
    [[ -z $out ]] && return 1
    compadd -- "${(@f)out}"
}
compdef _careerconv careerconv
""",
    "fish": """# careerconv completion for fish:
#   careerconv completion fish > ~/.config/fish/completions/careerconv.fish
function __careerconv_complete
    set -l words (commandline -opc)
    set -l out (careerconv __complete $words[2..-1] (commandline -ct) 2>/dev/null)
    if test "$out[1]" = __files__
        __fish_complete_path (commandline -ct)
    else
        printf '%s\\n' $out
    end
end
complete -c careerconv -f -a '(__careerconv_complete)'
""",
}
"""The script for each shell."""


def complete(words: Sequence[str], parser: argparse.ArgumentParser, stdout: TextIO) -> int:
    """Print the candidates for the last of ``words``; always exit 0 (a shell shows no error)."""
    typed, current = list(words[:-1]), (words[-1] if words else "")
    for candidate in candidates(typed, current, parser):
        stdout.write(candidate + "\n")
    return 0


def _walk(
    typed: Sequence[str], parser: argparse.ArgumentParser
) -> tuple[argparse.ArgumentParser, argparse.Action | None, int, str]:
    """Where ``typed`` leaves the parser: the (sub)command, an option waiting for its value,
    how many positionals were given, and the home named."""
    home = os.environ.get("CAREERCONV_HOME", "careerconv-data")
    waiting: argparse.Action | None = None  # an option that takes the next word as its value
    taken = 0  # positionals of the current command given so far
    for word in typed:
        if waiting is not None:
            if waiting.dest == "home":
                home = word
            waiting = None
        elif word.startswith("-") and word != "-":
            option, given, value = word.partition("=")
            action = parser._option_string_actions.get(option)
            if action is not None and action.nargs != 0 and not given:
                waiting = action
            elif action is not None and action.dest == "home":  # --home=PATH
                home = value
        elif (child := _subcommands(parser).get(word)) is not None:
            parser, taken = child, 0
        else:
            taken += 1
    return parser, waiting, taken, home


def candidates(typed: Sequence[str], current: str, parser: argparse.ArgumentParser) -> list[str]:
    """What may follow ``typed`` and begins with ``current``."""
    parser, waiting, taken, home = _walk(typed, parser)
    option, given, value = current.partition("=")
    valued = parser._option_string_actions.get(option) if current.startswith("--") and given else None
    if valued is not None and valued.nargs != 0:  # --as=jo: the value, in the same word
        found = _values(valued, home)
        if found == [FILES]:
            return found
        return [f"{option}={c}" for c in found if c.startswith(value)]
    if waiting is not None:
        found = _values(waiting, home)
    elif current.startswith("-"):
        found = sorted(o for a in parser._actions for o in a.option_strings if o.startswith("--"))
    elif _subcommands(parser):
        found = list(_subcommands(parser))
    else:
        positionals = [a for a in parser._actions if not a.option_strings]
        if not positionals:
            return []
        last = positionals[-1]
        at = positionals[taken] if taken < len(positionals) else last
        if taken >= len(positionals) and last.nargs not in ("+", "*"):
            return []
        found = _values(at, home)
    if found == [FILES]:
        return found
    return [c for c in found if c.startswith(current)]


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _values(action: argparse.Action, home: str) -> list[str]:
    """The values ``action`` takes: its choices, file names, or the stored people."""
    from careerconv.cli._args import path_arg

    if action.choices is not None:
        return [str(c) for c in action.choices]
    if action.type is path_arg:
        return [FILES]
    if action.dest in _PEOPLE_DESTS:
        return sorted(_from_home(home, lambda app: [p.id for p in app.store.list_people()]))
    if action.dest == "action_id":  # action done REPORT:ACTION: the GROW actions
        return sorted(_from_home(home, _actions))
    if action.dest == "role":  # catalog show ROLE
        return sorted(_from_home(home, lambda app: [r.id for r in app.catalog().roles]))
    if action.dest == "entries":  # retry ENTRY_ID: the failed ones
        return sorted(_from_home(home, lambda app: [e.id for e in app.store.outbox(["failed"])]))
    if action.dest == "adapter":  # rebuild --adapter NAME: the configured ones
        return sorted(
            _from_home(home, lambda app: {n for named in app.delivering().values() for n, _ in named})
        )
    return []


def _actions(app: App) -> set[str]:
    """Each GROW action of the open plans as ``REPORT:ACTION``, the way ``action`` takes it."""
    return {
        f"{plan.report_id}:{a.id}"
        for plan in app.store.find_plans()
        if plan.status.is_open and plan.grow is not None
        for a in plan.grow.actions
    }


def _from_home(home: str, read: Callable[[App], Iterable[str]]) -> Iterable[str]:
    """What ``read`` finds in the application of ``home``: cheap enough for a Tab, and nothing
    (never an error in the prompt) when it cannot be opened."""
    import logging
    from pathlib import Path

    # A store that cannot be opened says nothing here; the previous level comes back after, so
    # an in-process caller's logging is left as it was.
    before = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        from careerconv.app import App

        app = App.load(Path(home))
        try:
            return list(read(app))
        finally:
            app.close()
    except Exception:  # noqa: BLE001 - completion offers nothing rather than an error in the prompt
        return []
    finally:
        logging.disable(before)
