"""Safe edits of other programs' files: plan, show, apply, and remember what is ours."""
