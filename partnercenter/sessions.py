"""Django's database sessions, read with one statement built once per process.

Each signed-in request reads its session first; through the ORM, building that query cost more
than running it (docs/decisions/0007). Writing, expiry and everything else are Django's.
"""

from functools import cache

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    @classmethod
    @cache
    def _statement(cls, alias: str) -> str:
        model = cls.get_model_class()
        quote = connections[alias].ops.quote_name
        column = {field.name: quote(field.column) for field in model._meta.concrete_fields}
        return (
            f"SELECT {column['session_data']} FROM {quote(model._meta.db_table)} "
            f"WHERE {column['session_key']} = %s AND {column['expire_date']} > %s"
        )

    def load(self):
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        expire_after = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(self._statement(alias), [self.session_key, expire_after])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's: an unknown or expired key starts afresh
            return {}
        return self.decode(row[0])
