import pytest

from tests.i18n.support import compile_french_catalog_if_stale


@pytest.fixture(scope="session", autouse=True)
def french_catalog():
    compile_french_catalog_if_stale()
