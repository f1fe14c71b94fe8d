"""The actor a service sees for a test's partner user: what a page's request would hand it."""

from customers.actors import Actor, actor_for_partner_user


def acting(user) -> Actor:
    """`user` (an auth user with a partner membership) acting through the pages."""
    return actor_for_partner_user(user.partner_user)
