"""Storage backends that fail the way a real one does (a full disk, an object store that
refuses the connection): used by the tests in place of the default storage."""

from django.core.files.storage import FileSystemStorage


class FailingStorage(FileSystemStorage):
    """Every save fails, as on a disk that is full or unmounted."""

    def _save(self, name, content):
        raise OSError(28, "No space left on device")


class HalfFailingStorage(FileSystemStorage):
    """The first save succeeds, every later one fails: a pack's PDF stored, its ZIP not."""

    saves = 0

    def _save(self, name, content):
        type(self).saves += 1
        if type(self).saves > 1:
            raise OSError(5, "Input/output error")
        return super()._save(name, content)
