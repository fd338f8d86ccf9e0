"""Runs torch_reference.py unchanged and times its phases from the outside.

usage: python3 torch_phases.py SCRIPT OUT.json [torch_reference.py arguments...]

The script's own figures lump both phases of a hybrid arm together and include
evaluation in the wall time, so this wrapper replaces its module-level
train_epochs/accuracy with timed pass-throughs (run_arm looks them up at call
time) and writes every span plus the peak RSS to OUT.json.
"""
import importlib.util
import json
import resource
import sys
import time

script, out_path = sys.argv[1], sys.argv[2]
sys.argv = [script] + sys.argv[3:]
spec = importlib.util.spec_from_file_location("torch_reference", script)
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)

spans = []
train_epochs, accuracy = ref.train_epochs, ref.accuracy


def timed_train_epochs(model, opt, x, y, epochs, batch, rng):
    frozen = any(not p.requires_grad for p in model.parameters())
    start, cpu = time.time(), time.process_time()
    n = train_epochs(model, opt, x, y, epochs, batch, rng)
    spans.append({"kind": "frozen" if frozen else "baseline", "images": n,
                  "start": start * 1000, "end": time.time() * 1000,
                  "cpuSeconds": time.process_time() - cpu})
    return n


def timed_accuracy(model, x, y, batch=1000):
    start, cpu = time.time(), time.process_time()
    acc = accuracy(model, x, y, batch)
    spans.append({"kind": "eval", "images": len(x), "start": start * 1000, "end": time.time() * 1000,
                  "cpuSeconds": time.process_time() - cpu})
    return acc


ref.train_epochs, ref.accuracy = timed_train_epochs, timed_accuracy
ref.main()
with open(out_path, "w") as fh:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    json.dump({"spans": spans, "maxrss_kib": usage.ru_maxrss,
               "cpu_seconds": usage.ru_utime + usage.ru_stime}, fh)
