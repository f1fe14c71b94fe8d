"""The API's paths to the demo's resources, as a script would write them."""


def subscription_path(subscription) -> str:
    return f"/api/v1/customers/{subscription.customer.tenant_id}/subscriptions/{subscription.subscription_id}"
