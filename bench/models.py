#!/usr/bin/env python3
"""Real proofs of conformance models, zkinfer against EZKL on the same machine; writes
docs/bench-models.md.

Run through scripts/bench-models.sh (it builds zkinfer and installs EZKL into a venv). For each
model of BENCH_MODELS (default: lenet_5 large_mlp 4l_relu_conv_fc mnist_gan self_attention):
zkinfer compile (scales 2^8/2^8, lookup ranges calibrated on the model's input.json), then
`zkinfer prove --json` (keygen + prove + native verify; peak RSS of the process), then EZKL via
../shared/bench/ezkl_peer.py (its own "resources" calibration). One run each: these proofs take
minutes. A model zkinfer cannot compile yet gets its reason instead of figures.
"""
import json, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZK = os.path.join(ROOT, "target/release/zkinfer")
PEER = os.path.normpath(os.path.join(ROOT, "../shared/bench/ezkl_peer.py"))
SUITE = os.path.normpath(os.path.join(ROOT, "../shared/conformance/onnx"))
MODELS = os.environ.get("BENCH_MODELS", "lenet_5 large_mlp 4l_relu_conv_fc mnist_gan self_attention").split()
TIMEOUT = int(os.environ.get("BENCH_TIMEOUT", "3600"))
# zkinfer's own limit (its runs are the subject; the EZKL limit keeps the comparison bounded).
ZK_TIMEOUT = int(os.environ.get("BENCH_ZK_TIMEOUT", "3600"))
# Resident-memory cap of each measured process (GB): a tool that grows beyond it is stopped and
# the table says so, instead of the machine running into the OOM killer.
MEM_GB = int(os.environ.get("BENCH_MEM_GB", "20"))
TABLE = os.path.join(ROOT, "docs/bench-models.md")


def measured(cmd, timeout):
    """Runs cmd through bench/measure.py: (returncode, stdout, stderr, peak RSS in MB)."""
    probe = os.path.join(ROOT, "bench/measure.py")
    r = subprocess.run([sys.executable, probe, str(timeout), str(MEM_GB), *cmd], capture_output=True, text=True,
                       cwd=ROOT)
    rss = [l for l in r.stderr.splitlines() if l.startswith("RSS ")]
    return r.returncode, r.stdout, r.stderr, (int(rss[-1][4:]) // 1024 if rss else None)


def failure(stderr):
    """The line of a failed run's stderr that says why: a panic or error line, else the last."""
    lines = [l for l in stderr.splitlines() if l.strip() and not l.startswith("RSS ")]
    why = [l for l in lines if "panicked" in l or l.startswith("error") or "Error" in l]
    return (why or lines or ["failed"])[-1][:200]


def zkinfer(name, d):
    onnx, data = os.path.join(SUITE, name, "network.onnx"), os.path.join(SUITE, name, "input.json")
    c = subprocess.run([ZK, "compile", "--model", onnx, "--input", data, "--dir", d, "--json"],
                       capture_output=True, text=True, cwd=ROOT)
    if c.returncode:
        return {"error": c.stderr.strip().splitlines()[-1]}
    code, out, err, mb = measured([ZK, "prove", "--input", data, "--dir", d, "--json"], ZK_TIMEOUT)
    if code:
        return {"error": failure(err)}
    s = json.loads(out)
    steps = s["stepSeconds"]
    proof = json.load(open(os.path.join(d, "proof.json")))
    return {"k": s["k"], "keygen_s": steps["keygen (vk + pk)"],
            "prove_s": steps["prove (SHPLONK, Keccak transcript) + native verify"],
            "peak_rss_mb": mb, "proof_bytes": (len(proof["proof"]) - 2) // 2}


def ezkl(name, d):
    onnx, data = os.path.join(SUITE, name, "network.onnx"), os.path.join(SUITE, name, "input.json")
    code, out, err, _ = measured([sys.executable, PEER, onnx, data, d], TIMEOUT)
    res = [l for l in out.splitlines() if l.startswith("RESULT ")]
    if code or not res:
        return {"error": failure(err)}
    r = json.loads(res[-1][7:])
    return {"k": r["logrows"], "keygen_s": r["times_s"]["setup"], "prove_s": r["times_s"]["prove"],
            "peak_rss_mb": r["peak_rss_mb"], "proof_bytes": r["proof_bytes"]}


def fmt(v, f="{}"):
    return "" if v is None else f.format(v)


def kept_rows():
    """Rows of the existing table for models this run does not measure (their figures stay)."""
    if not os.path.exists(TABLE):
        return []
    rows = [l for l in open(TABLE).read().splitlines() if l.startswith("| ") and not l.startswith("| model ")]
    return [l for l in rows if l.split("|")[1].strip() not in MODELS]


def main():
    kept = kept_rows()
    lines = ["# Real proofs of conformance models: zkinfer vs EZKL", "",
             "Written by `scripts/bench-models.sh` (one run per model and tool, 2-core machine, dev SRS,",
             "SRS generation not timed). zkinfer at scales 2^8/2^8; EZKL with its own \"resources\" calibration.",
             "Ratios are zkinfer / EZKL (rows: 2^(k_zkinfer - k_EZKL)).", "",
             "| model | tool | k | keygen (s) | prove (s) | peak RSS (MB) | proof (bytes) | note |",
             "|---|---|---|---|---|---|---|---|"] + kept
    for name in MODELS:
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            print(f"{name}: zkinfer", file=sys.stderr, flush=True)
            ours = zkinfer(name, a)
            print(f"{name}: EZKL", file=sys.stderr, flush=True)
            peer = ezkl(name, b)
        for tool, r in (("zkinfer", ours), ("EZKL 23.0.5", peer)):
            lines.append(f"| {name} | {tool} | {fmt(r.get('k'))} | {fmt(r.get('keygen_s'), '{:.2f}')} | "
                         f"{fmt(r.get('prove_s'), '{:.2f}')} | {fmt(r.get('peak_rss_mb'))} | "
                         f"{fmt(r.get('proof_bytes'))} | {r.get('error', '')} |")
        if "error" not in ours and "error" not in peer:
            ratio = lambda key: f"{ours[key] / peer[key]:.2f}x" if peer[key] else ""
            lines.append(f"| {name} | ratio | {2.0 ** (ours['k'] - peer['k']):.3f}x rows | {ratio('keygen_s')} | "
                         f"{ratio('prove_s')} | {ratio('peak_rss_mb')} | {ratio('proof_bytes')} | |")
        text = "\n".join(lines) + "\n"
        open(TABLE, "w").write(text)
    print(text)


if __name__ == "__main__":
    main()
