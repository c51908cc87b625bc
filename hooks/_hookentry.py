"""The shared start of every hook script: find the routing package, then hand over.

Each script in hooks/ is two lines that name its handler, so the part that
must never fail (locating the package, failing open when it is broken) lives
once, here. Run by the script's own interpreter with hooks/ on sys.path[0].

The installed commands start the interpreter with -S: `site` (the .pth files
of every installed distribution) is about a quarter of a bare interpreter's
start-up, paid before every prompt. Without it, the package is found from
this file's own place (a wheel's routing/_hooks, or a source tree's hooks/),
and an import nothing on sys.path can answer (a dependency kept in another
site directory, an editable install) runs `site` once and looks again, so -S
only ever makes a hook faster, never broken.
"""

import gc
import os
import sys


class _SiteWhenMissing:
    """Last on sys.meta_path: the first module nobody else finds makes `site` run once."""

    @staticmethod
    def find_spec(name, path=None, target=None):  # type: ignore[no-untyped-def]
        if _SiteWhenMissing not in sys.meta_path:
            return None
        sys.meta_path.remove(_SiteWhenMissing)
        import site

        site.main()
        for finder in sys.meta_path:  # the path finder, and any finder site added (editable installs)
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find else None
            if spec is not None:
                return spec
        return None


def _without_site() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    parent = os.path.dirname(here)
    # routing/_hooks in a wheel: the package's parent is site-packages; hooks/ in a source tree.
    sys.path.append(os.path.dirname(parent) if os.path.basename(parent) == "routing" else parent)
    sys.meta_path.append(_SiteWhenMissing)


def start(event: str, module: str, func: str) -> None:
    """Run routing.<module>.<func> for a hook `event` ("" for the statusLine); always exit 0."""
    # A hook lives for milliseconds and leaves through os._exit, so the cyclic collector
    # only costs it: its passes over everything the imports and the rule tables
    # allocate were ~0.7 ms of each prompt. Reference counting still frees memory.
    gc.disable()
    if sys.flags.no_site:
        _without_site()
    try:
        import routing  # noqa: F401  (installed in this interpreter)
    except ImportError:  # a source checkout: the package sits next to hooks/
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        handler = getattr(__import__(f"routing.{module}", fromlist=[func]), func)
        if event:
            from routing.claude.hook_io import run
    except BaseException:  # a broken install must not break Claude Code
        os._exit(0)
    if event:
        run(event, handler)
    else:
        handler()
    os._exit(0)
