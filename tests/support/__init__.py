"""Test helpers: fakes of the host programs' APIs, sandboxes for real shells, fixtures' data."""
