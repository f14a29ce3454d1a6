"""The session lock's decisions, as pure functions (they hold on every platform), and
the lock itself on this machine's real files."""

from __future__ import annotations

import os
import socket

import pytest

from workshop.lock import LOCK_FILE, RECORD_SIZE, Holder, Locked, WriterLock, backend, decode_record, encode_record, holder
from workshop.store import dirs_can_be_fsynced


def test_windows_locks_with_msvcrt_and_every_other_platform_with_fcntl():
    assert backend("nt") == "msvcrt"
    assert backend("posix") == "fcntl"


def test_folders_are_fsynced_everywhere_but_on_windows():
    assert dirs_can_be_fsynced("posix") and not dirs_can_be_fsynced("nt")


def test_the_holder_record_has_a_fixed_size_and_reads_back():
    record = encode_record(Holder(4242, "laptop", 1_764_460_800.0))
    assert len(record) == RECORD_SIZE
    assert decode_record(record) == Holder(4242, "laptop", 1_764_460_800.0)
    assert decode_record(encode_record(Holder(1, "h" * 5000, 0))).host == "h" * 100


@pytest.mark.parametrize("garbage", [b"", b"\x00" * 10, b"{not json", b'["a list"]', b'{"pid": "many"}'])
def test_an_unreadable_record_names_nobody_in_particular(garbage):
    assert decode_record(garbage) == Holder()
    assert Holder().describe(own_pid=1) == "open in another workshop window"


def test_the_description_names_the_pid_and_another_host_but_not_this_one():
    here = socket.gethostname()
    assert Holder(4242, here, 0).describe(own_pid=1) == "open in another workshop window (pid 4242)"
    assert Holder(4242, "other-laptop", 0).describe(own_pid=1) == "open in another workshop window (pid 4242, on other-laptop)"
    assert Holder(7, here, 0).describe(own_pid=7) == "already open in this workshop window"


def test_a_second_lock_on_the_same_folder_is_refused_and_names_the_first(tmp_path):
    first = WriterLock.acquire(tmp_path)
    with pytest.raises(Locked) as caught:
        WriterLock.acquire(tmp_path)
    assert caught.value.holder.pid == os.getpid()
    assert holder(tmp_path).pid == os.getpid()
    first.release()
    assert holder(tmp_path) is None
    WriterLock.acquire(tmp_path).release()


def test_probing_a_folder_creates_nothing(tmp_path):
    assert holder(tmp_path) is None
    assert not (tmp_path / LOCK_FILE).exists()
