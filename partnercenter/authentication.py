"""The signed-in user of a request, with their partner membership and partner, in one query.

Every partner page needs all three (`partner_view`, the page header), and it is the one read
every signed-in request makes, so it is one statement built once per process
(docs/decisions/0007): Django's `ModelBackend.get_user` reads the user alone and leaves two
more queries to each request, and compiling the joined query through the ORM on every request
cost ten times what running it does. The instances are made with `Model.from_db`, as the ORM
makes them. A staff account with no partner user (the Django admin's) gets none, without a
query. Signing in is unchanged: django-axes' backend, then this one.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

from customers.models import Partner, PartnerUser


def _columns(model) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


@cache
def _statement(alias: str) -> str:
    user_model = get_user_model()
    quote = connections[alias].ops.quote_name

    def select(model, table_alias):
        return ", ".join(f"{table_alias}.{quote(field.column)}" for field in model._meta.concrete_fields)

    user_table, user_pk = quote(user_model._meta.db_table), quote(user_model._meta.pk.column)
    member_table, partner_table = quote(PartnerUser._meta.db_table), quote(Partner._meta.db_table)
    member_user = quote(PartnerUser._meta.get_field("user").column)
    member_partner = quote(PartnerUser._meta.get_field("partner").column)
    partner_pk = quote(Partner._meta.pk.column)
    return (
        f"SELECT {select(user_model, 'u')}, {select(PartnerUser, 'pu')}, {select(Partner, 'p')} "
        f"FROM {user_table} u "
        f"LEFT JOIN {member_table} pu ON pu.{member_user} = u.{user_pk} "
        f"LEFT JOIN {partner_table} p ON p.{partner_pk} = pu.{member_partner} "
        f"WHERE u.{user_pk} = %s"
    )


@cache
def _row_layout() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The columns of the user, the partner user and the partner, in the statement's order."""
    return _columns(get_user_model()), _columns(PartnerUser), _columns(Partner)


def signed_in_user(user_id):
    """The user `user_id` with `partner_user` and its `partner` joined in; None if no such user."""
    user_model = get_user_model()
    alias = router.db_for_read(user_model)
    with connections[alias].cursor() as cursor:
        cursor.execute(_statement(alias), [user_model._meta.pk.to_python(user_id)])
        row = cursor.fetchone()
    if row is None:
        return None
    user_columns, member_columns, partner_columns = _row_layout()
    member_start, partner_start = len(user_columns), len(user_columns) + len(member_columns)
    user = user_model.from_db(alias, user_columns, row[:member_start])
    if row[member_start] is None:  # no partner user: cached as absent, so asking costs no query
        user_model.partner_user.related.set_cached_value(user, None)
        return user
    member = PartnerUser.from_db(alias, member_columns, row[member_start:partner_start])
    member.partner = Partner.from_db(alias, partner_columns, row[partner_start:])
    user.partner_user = member
    return user


class PartnerUserBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = signed_in_user(user_id)
        except (TypeError, ValueError):  # a session naming no valid user id
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
