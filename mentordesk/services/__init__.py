"""Plain-Python services over a session: the only place business rules live. No Qt here.

Each service function takes an open :class:`sqlalchemy.orm.Session` (the caller owns the
transaction: one user action, one transaction) and plain data, and returns frozen
dataclasses, never live ORM objects.
"""
