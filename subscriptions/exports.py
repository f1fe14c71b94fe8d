"""The CSV files a partner downloads (the upgrade report, the activity log): one writer for both.

- Safe to open: a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return would
  be read by a spreadsheet as a formula (OWASP's "CSV injection"; a customer's or a user's name
  is typed by people outside the partner), so it gets a leading `'`, which shows it as text.
  Only text: numbers are written as numbers, so a credit stays the number -91.85.
- Opens in columns, accents right, in Excel: UTF-8 with a byte order mark (Excel's cue for
  UTF-8), and cells separated by `;` where the decimal mark is a comma (French: `-91,85`), by
  `,` elsewhere (English: `-91.85`). Numbers have no thousands separator.
- The active language when the export is asked for is the language of every line, even when
  the lines are made later, while a streamed response is sent.
"""

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal

from babel.numbers import get_decimal_symbol
from django.utils import translation

from subscriptions.formatting import babel_locale

BOM = "\ufeff"
# OWASP's list: what makes a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file that hands back what is written, so each line can be yielded."""

    def write(self, value):
        return value


class _Cells:
    """Cells into CSV text, by the active language's conventions."""

    def __init__(self):
        self.decimal_mark = get_decimal_symbol(babel_locale())
        self.writer = csv.writer(_Echo(), delimiter=";" if self.decimal_mark == "," else ",")

    def cell(self, value) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            value = str(value)
        if isinstance(value, int):
            return str(value)
        if isinstance(value, Decimal):
            # "f": never an exponent ("1E+2"); no grouping, the mark of the language.
            return format(value, "f").replace(".", self.decimal_mark)
        text = str(value)
        return "'" + text if text.startswith(FORMULA_STARTS) else text

    def line(self, values: Iterable) -> str:
        return self.writer.writerow([self.cell(value) for value in values])


def csv_lines(columns: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV, a line at a time: the byte order mark and `columns`, then one line per row.

    `rows` is read as the lines are made (a streamed response reads a query in chunks); cells
    are text, numbers (int, Decimal) or None (blank).
    """
    language = translation.get_language()

    def lines():
        with translation.override(language):
            cells = _Cells()
            yield BOM + cells.line(columns)
            for row in rows:
                yield cells.line(row)

    return lines()
