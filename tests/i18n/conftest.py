import pytest
from django.utils import translation

from tests.i18n.support import compile_french_catalog_if_stale


@pytest.fixture(scope="session", autouse=True)
def french_catalog():
    compile_french_catalog_if_stale()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    # LocaleMiddleware activates the request's language in the test's own thread and leaves it
    # there: a French request would make every later test in the run speak French.
    yield
    translation.deactivate()
