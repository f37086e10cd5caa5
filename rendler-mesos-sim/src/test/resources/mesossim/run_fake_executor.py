#!/usr/bin/env python3
"""Runs the recorded custom executor, testdata/mesos-wire/fake_executor.py, unmodified.

That script hard-codes /opt/mesos/wire: it imports wire.py and pb.py from /opt/mesos/wire/recorder
and writes its own transcripts and environment dump under /opt/mesos/wire. It has no setting for
those places, so this shim reads its source, points the two prefixes elsewhere, and executes it
as __main__. The file on disk stays as recorded.

usage: python3 run_fake_executor.py <path of fake_executor.py>
  FAKE_EXEC_WIRE_DIR      where its transcripts go (default: ./wire in the sandbox)
  FAKE_EXEC_RECORDER_DIR  where wire.py and pb.py are (default: recorder/ next to the script)
"""
import os
import sys

script = os.path.abspath(sys.argv[1])
wire_dir = os.path.abspath(os.environ.get("FAKE_EXEC_WIRE_DIR", "wire"))
recorder_dir = os.path.abspath(
    os.environ.get("FAKE_EXEC_RECORDER_DIR", os.path.join(os.path.dirname(script), "recorder")))
os.makedirs(wire_dir, exist_ok=True)

with open(script) as f:
    source = f.read()
source = source.replace('"/opt/mesos/wire/recorder"', repr(recorder_dir))
source = source.replace("/opt/mesos/wire", wire_dir)

sys.argv = [script]
exec(compile(source, script, "exec"), {"__name__": "__main__", "__file__": script})
