"""The demo portfolio and its generators (users, history, bank statements).

Top of the layers: it may import any app, and no app imports it."""
