# A short, seeded slice of the fuzzing (tests/fuzz/; `make fuzz` runs it for longer, with atheris):
# each in-process target on its seed corpus and a few hundred mutations of it, and the socket
# fuzzer for 150 cases against a live server on each runtime. Any finding fails, with the exact
# bytes of its input in the message.
import os
import sys

import pytest

from conftest import ROOT, RUNTIMES

sys.path.insert(0, os.path.join(ROOT, "tests", "fuzz"))

import socket_fuzz  # noqa: E402
import targets  # noqa: E402

OUT = os.path.join(ROOT, "build", "fuzz", "test")


@pytest.mark.parametrize("name", sorted(targets.TARGETS))
def test_in_process_target(name):
    count, found = targets.run(name, n=1000, seed=20240601, seconds=4.0)
    assert count >= len(targets.corpus(name)) + 50, "only %d inputs ran" % count
    if found:
        pytest.fail("%d kind(s) of finding in %d inputs:\n%s" % (len(found), count, targets.report(name, found)))


def test_the_targets_catch_what_they_are_meant_to():
    # The invariants can fail: a body cut short must not reach a handler as whole, and a 500
    # is a finding.
    with pytest.raises(targets.Finding):
        targets.parse_responses(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab")
    with pytest.raises(targets.Finding):
        targets.parse_responses(b"HTP/1.1 200 OK\r\n\r\n")
    assert targets.ref_chunked(b"5\r\nhel")[0] == "incomplete"
    assert targets.ref_chunked(b"0x5\r\nhello\r\n0\r\n\r\n")[0] == "bad"
    assert targets.ref_chunked(b"5\r\nhello\r\n0\r\n\r\n")[:2] == ("ok", b"hello")
    assert socket_fuzz.request_complete(b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nab") is False
    assert socket_fuzz.request_complete(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n") is True


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_socket_fuzz(runtime):
    s = socket_fuzz.fuzz(runtime, cases=150, seed=7, seconds=30.0, out_dir=OUT, verbose=False, open_ratio=0.05)
    assert s["cases"] >= 100, socket_fuzz.format_summary(s)
    if s["anomalies"]:
        pytest.fail(socket_fuzz.format_summary(s))
