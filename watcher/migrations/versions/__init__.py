"""The revisions, oldest first (r0001 ...)."""
