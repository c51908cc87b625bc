"""What modelroute remembers per session: the locked store, the session record, `route status`."""
