"""Compiled templates kept on disk, so that a process need not compile report.xml.j2 again."""

# Compiling the composition template costs about 0.1 s of CPU in every
# process; loading its code from disk, a few milliseconds.  The code is
# Python bytecode that is run as it is, so it is only ever read from a folder
# of the user's own that no one else may write to, and only under a key that
# names everything that shaped it: Jinja's own key is just the template's
# name and file, and code compiled by another program's environment (say,
# without autoescape or outside the sandbox) must never run in ours.  Jinja
# compares the template's source checksum itself: an edited template is
# compiled again.  The cache never fails a run: when the folder is unusable,
# templates are compiled as if there were no cache.

from __future__ import annotations

import contextlib
import os
import stat
from hashlib import sha256
from pathlib import Path

import jinja2
from jinja2 import Environment
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from .. import __version__

# Bits that let someone other than the owner write.
_OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's file-system bytecode cache, keyed also by what shapes the compiled code."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder), "template-%s.cache")

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        key = sha256(
            f"{self.get_cache_key(name, filename)}|{fingerprint(environment)}".encode()
        ).hexdigest()
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            with open(self._get_cache_filename(bucket), "rb") as file:
                info = os.fstat(file.fileno())
                if info.st_uid == os.geteuid() and not info.st_mode & _OTHERS_WRITE:
                    bucket.load_bytecode(file)
        except Exception:  # missing, unreadable or corrupt: compile as without a cache
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        # A full disk or a folder removed meanwhile only means compiling next time.
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def fingerprint(environment: Environment) -> str:
    """Every setting of ``environment`` that changes the code Jinja generates for a template."""
    env = environment
    parts: list[object] = [
        f"reportgen {__version__}",
        f"jinja2 {jinja2.__version__}",
        _name(type(env)),
        _name(env.code_generator_class),
        _name(env.autoescape) if callable(env.autoescape) else env.autoescape,
        sorted(env.extensions),
        (
            env.block_start_string,
            env.block_end_string,
            env.variable_start_string,
            env.variable_end_string,
            env.comment_start_string,
            env.comment_end_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
        ),
        (env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline),
        (env.optimized, env.is_async, env.sandboxed),
        _name(env.finalize) if env.finalize is not None else None,
        getattr(env, "newstyle_gettext", None),  # set by the i18n extension
        env.policies.get("ext.i18n.trimmed"),
        # Filters and tests are called by name, with what they ask to be passed.
        sorted((n, str(getattr(f, "jinja_pass_arg", ""))) for n, f in env.filters.items()),
        sorted((n, str(getattr(f, "jinja_pass_arg", ""))) for n, f in env.tests.items()),
        # Operators a sandbox routes through itself.
        sorted(getattr(env, "intercepted_binops", ())),
        sorted(getattr(env, "intercepted_unops", ())),
    ]
    return sha256(repr(parts).encode()).hexdigest()


def _name(value: object) -> str:
    return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', '?')}"


def cache_folder() -> Path | None:
    """Where compiled templates are kept, or None when there is no safe place.

    ``$REPORTGEN_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/reportgen/templates``,
    else ``~/.cache/reportgen/templates``; created for the user alone (0700).
    A folder owned by someone else or writable by others is not used.
    """
    geteuid = getattr(os, "geteuid", None)
    if geteuid is None:
        return None  # no owner to check (Windows): no cache
    configured = os.environ.get("REPORTGEN_CACHE_DIR", "")
    try:
        if configured:
            folder = Path(configured)
        else:
            # The XDG spec: a relative $XDG_CACHE_HOME is invalid and ignored.
            base = os.environ.get("XDG_CACHE_HOME", "")
            root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
            folder = root / "reportgen" / "templates"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except (OSError, RuntimeError):  # RuntimeError: no home folder
        return None
    if (
        not stat.S_ISDIR(info.st_mode)
        or info.st_uid != geteuid()
        or info.st_mode & _OTHERS_WRITE
        or not os.access(folder, os.R_OK | os.W_OK | os.X_OK)
    ):
        return None
    return folder


def template_cache() -> TemplateCache | None:
    """The bytecode cache for a new environment, or None to compile every time."""
    folder = cache_folder()
    return TemplateCache(folder) if folder is not None else None
