"""modelroute hook for Claude Code's SessionEnd: restore the default model after a /model switch.

Run as `<python> session_end.py` with the hook JSON on stdin; the logic lives in
routing/hook_session.py. Always exits 0: see routing/hook_io.py.
"""

import os
import sys

try:
    import routing  # noqa: F401  (installed in this interpreter)
except ImportError:  # a source checkout: the package sits next to hooks/
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

try:
    from routing import hook_session
    from routing.hook_io import run
except BaseException:  # a broken install must not break Claude Code
    os._exit(0)
run("SessionEnd", hook_session.handle_end)
