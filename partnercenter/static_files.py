"""The static files' storage: whitenoise's, each file's URL worked out once per process.

Every page names eight static files (`{% static %}`), and the manifest's answer for a name
cannot change while the process runs (collectstatic comes before it starts), so looking the
hashed name up and joining the URL again on every request was a sixth of the page header's
cost (`make bench`, BENCHMARKS.md).
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:  # what collectstatic and `findstatic` ask for: never from memory
            return super().url(name, force=True)
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)
            return url
