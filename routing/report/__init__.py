"""`route report`: read transcripts, count each response once, price it, and render what-ifs."""
