"""The foundation every concern stands on: paths, config, tiers, the error log, fast JSON.

Standard library only, and nothing else of ours: everything above may import it.
"""
