"""The router: a pure function from a prompt (and its context) to a tier, with its reasons."""
