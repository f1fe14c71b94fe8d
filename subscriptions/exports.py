"""The CSV files a partner downloads (the upgrade report, the activity log): one writer for both.

- Safe to open: a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return would
  be read by a spreadsheet as a formula (OWASP's "CSV injection"; a customer's or a user's name
  is typed by people outside the partner), so it gets a leading `'`, which shows it as text.
  Only text: numbers are written as numbers, so a credit stays the number -91.85.
- Opens in columns, accents right, in Excel: UTF-8 with a byte order mark (Excel's cue for
  UTF-8), and cells separated by `;` where the decimal mark is a comma (French: `-91,85`), by
  `,` elsewhere (English: `-91.85`). Numbers have no thousands separator.
- The active language and time zone when the export is asked for are those of every line, even
  when the lines are made later, while a streamed response is sent: the view has returned by
  then, and the middleware has put UTC back (partnercenter/timezones.py).
- Sent in pieces of up to `ROWS_PER_PIECE` lines rather than a line at a time: a response
  write per line is a system call per line under gunicorn.
"""

import csv
import itertools
from collections.abc import Iterable, Iterator
from decimal import Decimal

from babel.numbers import get_decimal_symbol
from django.utils import timezone, translation

from subscriptions.formatting import babel_locale

BOM = "\ufeff"
# OWASP's list: what makes a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_PIECE = 1000


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
    """The CSV in pieces: the byte order mark and `columns`, then up to `ROWS_PER_PIECE` lines each.

    `rows` is read as the pieces are made (a streamed response reads its query in chunks); cells
    are text, numbers (int, Decimal) or None (blank). The language and zone active now are
    active while each piece is made, and only then: between two pieces the thread is the
    server's, and nothing of this request stays active in it.
    """
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def worded(make):
        with translation.override(language), timezone.override(zone):
            return make()

    def pieces():
        cells = worded(_Cells)
        remaining = iter(rows)

        def next_piece() -> str:
            return "".join(cells.line(row) for row in itertools.islice(remaining, ROWS_PER_PIECE))

        yield worded(lambda: BOM + cells.line(columns))
        while piece := worded(next_piece):
            yield piece
            del piece  # not kept while the next one is made

    return pieces()
