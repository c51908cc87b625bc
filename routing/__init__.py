"""modelroute: send each AI coding prompt to the cheapest model tier that does it well.

Nothing is imported here on purpose: the hooks and the status line import
single modules, and every import costs start-up time on the hot path.
"""

__version__ = "0.1.0"
