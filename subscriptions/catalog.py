"""The catalog of DOMAIN.md section 2, shipped as data."""


def load_catalog(apps=None):
    """Create or update every offer, plan, price and upgrade path; idempotent."""
