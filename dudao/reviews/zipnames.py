"""Names of files and folders inside the 印证材料 zip, made safe from whatever the uploads and indicators are called.

A name comes from untrusted text (an upload's original name, an indicator's text, a unit's name). Each becomes a
single path component: no separators or drive letters (zip-slip: "../", "/etc", "C:\\"), no control characters
(NUL), no leading or trailing dots and spaces ("..", "."), not a Windows device name (CON, NUL, COM1…, with or
without extension), at most a bounded length (keeping the extension), and unique within its folder ("名称 (2).pdf").
Pure: no Django."""

import os
import re

__all__ = ["component", "UniqueNames", "folder_name"]

_UNSAFE = re.compile(r'[\x00-\x1f\x7f\\/:*?"<>|]+')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
_EXT = re.compile(r"\.[A-Za-z0-9]{1,8}$")
MAX_COMPONENT = 80  # characters; a folder and a file stay well under Windows' 260-character path


def component(name: str, *, fallback: str = "文件", limit: int = MAX_COMPONENT) -> str:
    """One safe path component from untrusted text."""
    name = _UNSAFE.sub("_", (name or "").replace("\u202e", "").strip())
    name = re.sub(r"\s+", " ", name).strip(" .") or fallback
    if _RESERVED.match(name):
        name = "_" + name
    match = _EXT.search(name)
    stem, ext = (name[: match.start()], match.group()) if match and match.start() > 0 else (name, "")
    if len(stem) + len(ext) <= limit:
        return name
    return (stem[: limit - len(ext)].rstrip(" .") or fallback) + ext


def folder_name(number: int, width: int, code: str, text: str) -> str:
    """An indicator's folder: "01 1.1 指标简称" (the text cut to 20 characters)."""
    short = re.sub(r"\s+", "", text or "")[:20]
    return component(f"{number:0{width}d} {code} {short}", fallback=f"{number:0{width}d}")


class UniqueNames:
    """Hands out names unique within one folder (case-insensitively, as on Windows): "a.pdf", "a (2).pdf"…"""

    def __init__(self):
        self._used: set[str] = set()

    def take(self, name: str) -> str:
        candidate, n = name, 1
        stem, ext = os.path.splitext(name)
        while candidate.casefold() in self._used:
            n += 1
            candidate = f"{stem} ({n}){ext}"
        self._used.add(candidate.casefold())
        return candidate
