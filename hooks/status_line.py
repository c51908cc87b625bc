"""modelroute statusLine command for Claude Code: `sonnet · wants opus · ↑1 · $0.42`.

Run as `<python> status_line.py` with the statusLine JSON on stdin; the same
code path as `route status --claude` (routing/status_view.py). It also records
the live model, which is how `/model` switches are seen. Always exits 0.
"""

import os
import sys

try:
    import routing  # noqa: F401  (installed in this interpreter)
except ImportError:  # a source checkout: the package sits next to hooks/
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

try:
    from routing.status_view import run_claude
except BaseException:  # a broken install must not break Claude Code
    os._exit(0)
run_claude()
os._exit(0)
