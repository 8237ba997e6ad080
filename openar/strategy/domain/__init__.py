"""Pure strategy logic, no ORM and no I/O: ``definitions`` (what a strategy is, as plain data),
``validation`` (checking a strategy document) and ``evaluation`` (which strategy an account gets
and which of its steps are due; the engine feeds plain tuples in)."""
