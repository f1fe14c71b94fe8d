"""The French catalog is complete: nothing untranslated, nothing fuzzy, no English string the
catalog has not seen, placeholders kept, and the seed's fixed words (docs/domain.md §10).

When a test here fails after you add or change a user-facing string: `make messages-update`,
translate the new or fuzzy entries in locale/fr/LC_MESSAGES/django.po, and run the tests again.
"""

import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command

FRENCH_PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"

# What `make messages-update` skips: not the application's own sources.
NOT_SOURCES = {".venv", ".git", "locale", "tests", "test-artifacts", "staticfiles", "node_modules"}
# The files makemessages reads for the `django` domain.
SOURCE_SUFFIXES = {".py", ".html", ".txt"}

# docs/domain.md §10: English | French, as the seed article words them. "Offer" is "Offre",
# never the seed's machine-translated "Proposer".
SEED_WORDS = {
    "Partner Center": "Espace partenaires",
    "Customers": "Clients",
    "Subscriptions": "Abonnements",
    "Upgrade now": "Mettre à niveau maintenant",
    "Submit": "Envoyer",
    "Offer": "Offre",
    "Possible upgrades": "Mises à niveau possibles",
    "Upgrade a subscription": "Mettre à niveau un abonnement",
}


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale="fr")


def key(message) -> tuple:
    """A message as gettext finds it: its context and its msgid (both forms for a plural)."""
    return (message.context, message.id if isinstance(message.id, str) else tuple(message.id))


def describe(keys) -> str:
    lines = (f"  {context + ' | ' if context else ''}{msgid!r}" for context, msgid in sorted(keys, key=str))
    return "\n".join(lines)


@pytest.fixture(scope="module")
def french() -> Catalog:
    return read_catalog(FRENCH_PO)


def entries(catalog: Catalog):
    return [message for message in catalog if message.id]


def is_translated(message) -> bool:
    if isinstance(message.string, str):
        return bool(message.string.strip())
    return bool(message.string) and all(form.strip() for form in message.string)


def test_french_catalog_has_no_untranslated_entry(french):
    untranslated = [key(message) for message in entries(french) if not is_translated(message)]
    assert not untranslated, f"{len(untranslated)} untranslated in {FRENCH_PO}:\n{describe(untranslated)}"


def test_french_catalog_has_no_fuzzy_entry(french):
    # gettext ignores fuzzy entries: the page would show the English text.
    fuzzy = [key(message) for message in entries(french) if message.fuzzy]
    assert not french.fuzzy, "the catalog header is marked fuzzy"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {FRENCH_PO}:\n{describe(fuzzy)}"


def test_french_plurals_fill_every_form_of_the_header(french):
    assert french.num_plurals == 3, "French as Django has it: one, many (millions), other"
    plurals = [message for message in entries(french) if message.pluralizable]
    assert plurals, "the catalog has plural entries"
    for message in plurals:
        assert len(message.string) == french.num_plurals, key(message)


def test_french_translations_keep_every_placeholder(french):
    # Babel's checkers compare python-format placeholders and the number of plural forms.
    problems = [(key(message), [str(error) for error in errors]) for message, errors in french.check()]
    assert not problems, problems


def test_french_catalog_compiles_with_gettext_checks():
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(FRENCH_PO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_seed_words_have_their_fixed_french(french):
    by_id = {message.id: message.string for message in entries(french) if not message.context}
    assert {english: by_id.get(english) for english in SEED_WORDS} == SEED_WORDS


def test_no_translation_says_proposer_for_offer(french):
    # The seed's machine translation renders the noun "Offer" as the verb "Proposer".
    proposer = re.compile(r"\bproposer\b", re.IGNORECASE)
    offending = [key(message) for message in entries(french) if proposer.search(str(message.string))]
    assert not offending, describe(offending)


def copy_sources(destination: Path) -> None:
    """The project's translatable sources, without the catalog they are compared with."""
    base = Path(settings.BASE_DIR)
    for path in base.rglob("*"):
        relative = path.relative_to(base)
        if relative.parts[0] in NOT_SOURCES or relative.parts[0].startswith("."):
            continue
        if path.is_file() and path.suffix in SOURCE_SUFFIXES:
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Catalog:
    """What `make messages-update` would find in the sources now, extracted into a scratch folder."""
    source = tmp_path_factory.mktemp("sources")
    copy_sources(source)
    (source / "locale").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        # makemessages walks the current folder and writes into LOCALE_PATHS[0].
        patch.chdir(source)
        patch.setattr(settings, "LOCALE_PATHS", [str(source / "locale")])
        call_command("makemessages", locale=["fr"], no_obsolete=True, verbosity=0, stdout=StringIO())
    return read_catalog(source / "locale" / "fr" / "LC_MESSAGES" / "django.po")


def test_every_english_string_of_the_sources_is_in_the_french_catalog(extracted, french):
    found = {key(message) for message in entries(extracted)}
    assert len(found) > 200, "the extraction found the application's strings"
    missing = found - {key(message) for message in entries(french)}
    assert not missing, (
        f"{len(missing)} strings of the sources are not in {FRENCH_PO} (run `make messages-update` "
        f"and translate them):\n{describe(missing)}"
    )
