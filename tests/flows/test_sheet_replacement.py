"""A finished sheet put in place of the one before (flows/sheets/replacement.py): the names
exchanged on this machine's filesystem, os.replace where they cannot be."""

from __future__ import annotations

import errno
import os

import pytest

from flows.sheets import replacement
from flows.sheets.files import write_sheet
from flows.sheets.replacement import replace_file


def _refused(*_args) -> None:
    raise AssertionError("os.replace was called: the names were not exchanged")


def test_an_existing_file_is_exchanged_not_renamed_over(tmp_path, monkeypatch):
    path, new = tmp_path / "lead_sheet.csv", tmp_path / "lead_sheet.csv.partial"
    path.write_text("yesterday's run")
    new.write_text("today's run")
    inode = new.stat().st_ino
    with path.open() as reader:  # a rep's spreadsheet holding the old file
        monkeypatch.setattr(replacement.os, "replace", _refused)
        replace_file(new, path)
        assert reader.read() == "yesterday's run"
    assert path.read_text() == "today's run"
    assert path.stat().st_ino == inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lead_sheet.csv"]


def test_a_first_file_is_renamed(tmp_path):
    path, new = tmp_path / "lead_sheet.csv", tmp_path / "lead_sheet.csv.partial"
    new.write_text("the day's first run")
    replace_file(new, path)
    assert path.read_text() == "the day's first run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lead_sheet.csv"]


@pytest.mark.parametrize("code", [errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, None])
def test_a_filesystem_or_system_without_the_exchange_gets_a_plain_replace(tmp_path, monkeypatch,
                                                                          code):
    def refusing(*_args):
        replacement.ctypes.set_errno(code)
        return -1

    # None: a libc without renameat2
    monkeypatch.setattr(replacement, "_renameat2", lambda: None if code is None else refusing)
    path, new = tmp_path / "a.csv", tmp_path / "a.csv.partial"
    path.write_text("old")
    new.write_text("new")
    replace_file(new, path)
    assert path.read_text() == "new"
    assert not new.exists()


def test_any_other_failure_is_raised_and_both_files_stay(tmp_path, monkeypatch):
    def denied(*_args):
        replacement.ctypes.set_errno(errno.EACCES)
        return -1

    monkeypatch.setattr(replacement, "_renameat2", lambda: denied)
    path, new = tmp_path / "a.csv", tmp_path / "a.csv.partial"
    path.write_text("old")
    new.write_text("new")
    with pytest.raises(PermissionError):
        replace_file(new, path)
    assert (path.read_text(), new.read_text()) == ("old", "new")


def test_a_sheet_written_again_replaces_the_first_without_os_replace(tmp_path, monkeypatch):
    import pandas as pd

    path = tmp_path / "out" / "lead_sheet.csv"
    write_sheet(pd.DataFrame({"lead_id": ["L1"], "lead_name": ["Ada"]}), path)
    monkeypatch.setattr(replacement.os, "replace", _refused)
    write_sheet(pd.DataFrame({"lead_id": ["L2"], "lead_name": ["Bob"]}), path)
    assert "Bob" in path.read_text(encoding="utf-8-sig")
    assert sorted(os.listdir(path.parent)) == ["lead_sheet.csv"]


def test_the_old_file_deleted_one_behind_goes_in_a_second_thread_and_is_waited_for(
        tmp_path, monkeypatch):
    # as publish deletes the sheet a day run again replaces: overlap.one_behind(os.unlink)
    import threading

    from flows.pipeline.overlap import one_behind

    path, new = tmp_path / "lead_sheet.csv", tmp_path / "lead_sheet.csv.partial"
    path.write_text("yesterday's run")
    new.write_text("today's run")
    started, release, threads = threading.Event(), threading.Event(), []

    def slow_unlink(name):
        threads.append(threading.current_thread().name)
        started.set()
        assert release.wait(10)
        os.remove(name)
        return 1

    with one_behind(slow_unlink) as delete:
        replace_file(new, path, delete)
        assert started.wait(10)  # the delete runs while the caller goes on
        assert path.read_text() == "today's run" and new.exists()
        release.set()
    assert not new.exists()  # leaving waited for it
    assert threads and threads[0] != threading.current_thread().name
