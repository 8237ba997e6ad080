"""Disputes pages: the case list and queues, one case, opening a dispute, analytics and the
settings a manager edits."""
