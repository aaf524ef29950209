"""Files written whole or not at all, even by parallel writers of the same file."""

import threading

from app.common.storage import write_atomically


def test_parallel_writers_of_one_file_never_fail_nor_leave_half_a_file(tmp_path):
    """Do sixteen threads writing the same file at once (one upload, one certificate) all succeed, leaving it whole?"""
    target = tmp_path / "ab" / "file.pdf"
    data = b"%PDF-1.7 " + b"x" * 2_000_000
    barrier, errors = threading.Barrier(16), []

    def write():
        barrier.wait()
        try:
            write_atomically(target, data)
        except Exception as error:  # noqa: BLE001 (collected for the assertion)
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert target.read_bytes() == data
    assert [p.name for p in target.parent.iterdir()] == ["file.pdf"]  # no temporary file left behind
