"""Applications in progress (drafts, uploads) and submitted applications."""
