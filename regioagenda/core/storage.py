"""Static file storage: hashed, compressed names once collected, plain names before that."""

from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def url(self, name: str | None, force: bool = False) -> str:
        try:
            return super().url(name, force)
        except ValueError:
            # Not collected yet (tests, a fresh checkout): the finders serve the plain name.
            return StaticFilesStorage.url(self, name)
