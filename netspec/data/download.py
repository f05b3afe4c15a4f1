"""Fetching one file over HTTP(S): streamed to a temporary file, checked, then renamed into place.

A file is only ever visible under its real name once it is complete and its SHA-256 matches, so
an interrupted or damaged download is never used: the temporary file (`.NAME.PID.part`, in the
same folder so that the rename is atomic) is removed on every failure.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import urllib.error
import urllib.request
from pathlib import Path

from netspec.data.formats import DataError
from netspec.progress import Bar
from netspec.units import fmt_bytes

CHUNK = 1 << 16
TIMEOUT = 30.0


class DownloadError(DataError):
    pass


def download(
    url: str,
    dest: Path,
    sha256: str,
    size: int | None = None,
    quiet: bool = False,
    timeout: float = TIMEOUT,
) -> Path:
    """Fetch `url` into `dest`; raise DownloadError (leaving nothing behind) unless every byte came
    and the SHA-256 is `sha256`."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    bar = None
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "netspec"})
        with urllib.request.urlopen(request, timeout=timeout) as response, part.open("wb") as out:
            announced = response.length  # Content-Length, when the server sends one
            total = announced if announced is not None else size
            bar = None if quiet else Bar(f"downloading {dest.name}", total or 0)
            if bar is not None and not bar.live:
                print(f"downloading {url} ({fmt_bytes(total) if total else 'size unknown'})", file=bar.stream)
            digest = hashlib.sha256()
            received = 0
            while chunk := response.read(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                received += len(chunk)
                if bar is not None:
                    bar.update(received, f"{fmt_bytes(received)} / {fmt_bytes(total) if total else '?'}")
            out.flush()
            os.fsync(out.fileno())
        if bar is not None:
            bar.close()
            bar = None
        expected = announced if announced is not None else size
        if expected is not None and received != expected:
            raise DownloadError(f"{url} was cut short: {received:,} of {expected:,} bytes arrived")
        if size is not None and received != size:
            raise DownloadError(f"{url} has {received:,} bytes, not the expected {size:,}: it is not the right file")
        if digest.hexdigest() != sha256:
            raise DownloadError(
                f"{url} does not have the expected SHA-256 (got {digest.hexdigest()}, expected {sha256}): "
                "the file is damaged or not the right one"
            )
        os.replace(part, dest)
        return dest
    except http.client.IncompleteRead as error:
        missing = f": {error.expected:,} more bytes were expected" if error.expected else ""
        raise DownloadError(f"{url} was cut short{missing}") from None
    except urllib.error.HTTPError as error:
        raise DownloadError(f"{url}: HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise DownloadError(f"{url}: {error.reason}") from None
    except (OSError, http.client.HTTPException) as error:
        raise DownloadError(f"{url}: {error}") from None
    finally:
        if bar is not None:
            bar.close()
        part.unlink(missing_ok=True)
