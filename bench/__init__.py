"""The performance benchmark: `make bench` (`python -m bench`). See `bench.run`.

A package beside the apps rather than a script under scripts/: it is several Python modules
(the run, the data it builds, the page-weight measure the browser test shares) that import the
project, and CI imports it through tests/perf; scripts/ holds the Makefile's small shell helpers.
"""
