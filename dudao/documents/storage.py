"""The default file storage on local disk: Django's FileSystemStorage, with files that appear whole.

Django's own FileSystemStorage writes straight into the final name, so a reader (a download, a backup) could
see a half-written file. Here the content goes to a temporary ``*.part`` file in the same folder first and is
then hard-linked into place: the link fails if the name is taken, so an existing file is never replaced (a
second writer of the same name gets another name, as with Django's storage). The backup skips ``*.part``.
"""

import os
import tempfile

from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_makedirs


class FileStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        if self.directory_permissions_mode is not None:
            safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        else:
            os.makedirs(directory, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=os.path.basename(full_path) + ".",
                                                 suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk)
            while True:
                try:
                    os.link(temporary, full_path)
                    break
                except FileExistsError:  # someone else wrote this name meanwhile: keep theirs, take another
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            os.unlink(temporary)
        if self.file_permissions_mode is not None:
            os.chmod(full_path, self.file_permissions_mode)
        self._ensure_location_group_id(full_path)
        return os.path.relpath(full_path, self.location).replace("\\", "/")
