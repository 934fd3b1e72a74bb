#!/usr/bin/env python3
"""Runs a command and reports its peak resident memory, with a time limit and a memory cap.

    measure.py <timeout seconds> <memory cap GB> <command...>

The command's stdout and stderr pass through; then one line `RSS <peak kB>` on stderr. On the
time limit or the memory cap the command (and its process group) is killed and an `error:`
line says which; the exit code is then 1. Used by bench/models.py, so that a tool that runs
too long or grows too big is stopped instead of being left behind or starting the OOM killer.
"""
import os, resource, signal, subprocess, sys, threading, time


def main():
    timeout, cap_gb, cmd = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    out = {}
    reader = threading.Thread(target=lambda: out.update(zip(("stdout", "stderr"), p.communicate())))
    reader.start()
    start, why = time.monotonic(), None
    while reader.is_alive():
        try:
            with open(f"/proc/{p.pid}/status") as f:
                rss_kb = next((int(l.split()[1]) for l in f if l.startswith("VmRSS")), 0)
        except OSError:
            rss_kb = 0
        if rss_kb > cap_gb << 20:
            why = f"stopped above {cap_gb} GB resident memory (BENCH_MEM_GB)"
        elif time.monotonic() - start > timeout:
            why = f"timed out after {timeout:.0f} s (BENCH_TIMEOUT)"
        if why:
            os.killpg(p.pid, signal.SIGKILL)
            break
        time.sleep(0.5)
    reader.join()
    sys.stdout.write(out.get("stdout", ""))
    sys.stderr.write(out.get("stderr", ""))
    if why:
        print(f"error: {why}", file=sys.stderr)
    print("RSS", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
    sys.exit(1 if why else p.returncode)


if __name__ == "__main__":
    main()
