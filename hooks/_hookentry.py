"""The shared start of every hook script: find the routing package, then hand over.

Each script in hooks/ is two lines that name its handler, so the part that
must never fail (locating the package, failing open when it is broken) lives
once, here. Run by the script's own interpreter with hooks/ on sys.path[0].
"""

import gc
import os
import sys


def start(event: str, module: str, func: str) -> None:
    """Run routing.<module>.<func> for a hook `event` ("" for the statusLine); always exit 0."""
    # A hook lives for milliseconds and leaves through os._exit, so the cyclic collector
    # only costs it: its passes over everything the imports and the rule tables
    # allocate were ~0.7 ms of each prompt. Reference counting still frees memory.
    gc.disable()
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
