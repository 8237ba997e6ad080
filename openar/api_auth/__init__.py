"""API tokens: how machines authenticate to the REST API (people use their browser session)."""
