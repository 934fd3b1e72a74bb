#!/usr/bin/env python3
"""Real proofs of conformance models, zkinfer against EZKL on the same machine; writes
docs/bench-models.md.

Run through scripts/bench-models.sh (it builds zkinfer and installs EZKL into a venv). For each
model of BENCH_MODELS (a conformance folder name, or NAME=path/to/network.onnx with input.json
beside it; default: the 784-128-10 MLP, lenet_5, large_mlp, 4l_relu_conv_fc): EZKL first via
../shared/bench/ezkl_peer.py (its own "resources" calibration), then zkinfer at EZKL's calibrated
scales (equal fidelity; 2^8/2^8 when EZKL did not calibrate or zkinfer cannot take its scales,
as the note says): compile, `setup --estimate` (the cost model's figures), `prove --json`
(keygen + prove + native verify; peak RSS of the process). Both tools' max abs error against
the float model (tract's outputs, from zkinfer's fidelity.json) are reported. One run each:
these proofs take minutes. A model zkinfer cannot compile gets its reason instead of figures.
"""
import json, os, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZK = os.path.join(ROOT, "target/release/zkinfer")
PEER = os.path.normpath(os.path.join(ROOT, "../shared/bench/ezkl_peer.py"))
SUITE = os.path.normpath(os.path.join(ROOT, "../shared/conformance/onnx"))
DEFAULT = "mnist_mlp_784_128_10=target/models/mnist_mlp/network.onnx lenet_5 large_mlp 4l_relu_conv_fc"
MODELS = [m.split("=")[0] for m in os.environ.get("BENCH_MODELS", DEFAULT).split()]
PATHS = {m.split("=")[0]: m.split("=")[1] for m in os.environ.get("BENCH_MODELS", DEFAULT).split() if "=" in m}
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


def files(name):
    """The model's network.onnx and input.json."""
    onnx = os.path.join(ROOT, PATHS[name]) if name in PATHS else os.path.join(SUITE, name, "network.onnx")
    return onnx, os.path.join(os.path.dirname(onnx), "input.json")


def zkinfer(name, d, scales):
    onnx, data = files(name)
    note = ""
    compile_cmd = [ZK, "compile", "--model", onnx, "--input", data, "--dir", d, "--json"]
    c = subprocess.run(compile_cmd + ["--input-scale", str(scales[0]), "--param-scale", str(scales[1])],
                       capture_output=True, text=True, cwd=ROOT)
    if c.returncode and scales != [8, 8]:
        note = f"zkinfer at 2^8/2^8: EZKL's scales 2^{scales[0]}/2^{scales[1]} refused ({failure(c.stderr)[:80]})"
        scales = [8, 8]
        c = subprocess.run(compile_cmd, capture_output=True, text=True, cwd=ROOT)
    if c.returncode:
        return {"error": c.stderr.strip().splitlines()[-1]}
    e = subprocess.run([ZK, "setup", "--estimate", "--dir", d, "--json"], capture_output=True, text=True, cwd=ROOT)
    estimate = json.loads(e.stdout)["estimate"] if e.returncode == 0 else {}
    code, out, err, mb = measured([ZK, "prove", "--input", data, "--dir", d, "--json"], ZK_TIMEOUT)
    if code:
        return {"error": failure(err)}
    s = json.loads(out)
    steps = s["stepSeconds"]
    proof = json.load(open(os.path.join(d, "proof.json")))
    fidelity = json.load(open(os.path.join(d, "fidelity.json")))
    terms = s.get("dense_terms") or 0
    return {"k": s["k"], "keygen_s": steps["keygen (vk + pk)"],
            "prove_s": steps["prove (SHPLONK, Keccak transcript) + native verify"],
            "peak_rss_mb": mb, "proof_bytes": (len(proof["proof"]) - 2) // 2, "scales": scales,
            "max_abs_error": fidelity["maxAbsError"], "float": fidelity["float"],
            "cells_per_mac": s["dense_cells"] / terms if terms else None,
            "est_prove_s": estimate.get("proveSeconds"),
            "est_rss_mb": estimate.get("peakMemoryBytes", 0) // 2**20 or None, "note": note}


def ezkl(name, d):
    onnx, data = files(name)
    code, out, err, _ = measured([sys.executable, PEER, onnx, data, d], TIMEOUT)
    res = [l for l in out.splitlines() if l.startswith("RESULT ")]
    if code or not res:
        return {"error": failure(err)}
    r = json.loads(res[-1][7:])
    outputs = []
    try:
        w = json.load(open(os.path.join(d, "witness.json")))
        outputs = [float(v) for o in w["pretty_elements"]["rescaled_outputs"] for v in o]
    except (OSError, KeyError, ValueError):
        pass
    return {"k": r["logrows"], "keygen_s": r["times_s"]["setup"], "prove_s": r["times_s"]["prove"],
            "peak_rss_mb": r["peak_rss_mb"], "proof_bytes": r["proof_bytes"], "scales": r.get("scales"),
            "outputs": outputs}


def max_abs_error(outputs, reference):
    """Max |a - b| over two flat output lists of the same length (None when they differ)."""
    if not outputs or len(outputs) != len(reference):
        return None
    return max(abs(a - b) for a, b in zip(outputs, reference))


def fmt(v, f="{}"):
    return "" if v is None else f.format(v)


def kept_rows():
    """Rows of the existing table for models this run does not measure (their figures stay)."""
    if not os.path.exists(TABLE):
        return []
    rows = [l for l in open(TABLE).read().splitlines() if l.startswith("| ") and not l.startswith("| model ")]
    # Rows of this table's present shape only (12 columns).
    return [l for l in rows if l.split("|")[1].strip() not in MODELS and l.count("|") == 13]


def main():
    kept = kept_rows()
    lines = ["# Real proofs of conformance models: zkinfer vs EZKL", "",
             "Written by `scripts/bench-models.sh` (one run per model and tool, 2-core machine, dev SRS,",
             "SRS generation not timed). EZKL with its own \"resources\" calibration; zkinfer at the scales",
             "EZKL picked (equal fidelity) unless the note says otherwise. Max error: largest |output - float|",
             "over the model's outputs on its input.json (float: tract). Ratios are zkinfer / EZKL (rows:",
             "2^(k_zkinfer - k_EZKL)). zkinfer's estimate columns are the cost model's (`setup --estimate`),",
             "made before any heavy work.", "",
             "| model | tool | scales | k | keygen (s) | prove (s) | peak RSS (MB) | proof (bytes) | max error | "
             "dense cells/MAC | estimate: prove (s), RSS (MB) | note |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"] + kept
    for name in MODELS:
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            print(f"{name}: EZKL", file=sys.stderr, flush=True)
            peer = ezkl(name, b)
            print(f"{name}: zkinfer", file=sys.stderr, flush=True)
            ours = zkinfer(name, a, peer.get("scales") or [8, 8])
        if "error" not in ours and "error" not in peer:
            reference = [float(v) for v in ours["float"]]
            peer["max_abs_error"] = max_abs_error(peer["outputs"], reference)
        for tool, r in (("zkinfer", ours), ("EZKL 23.0.5", peer)):
            sc = r.get("scales")
            est = (f"{r['est_prove_s']:.1f}, {r['est_rss_mb']}" if r.get("est_prove_s") is not None else "")
            lines.append(f"| {name} | {tool} | {f'2^{sc[0]}/2^{sc[1]}' if sc else ''} | {fmt(r.get('k'))} | "
                         f"{fmt(r.get('keygen_s'), '{:.2f}')} | {fmt(r.get('prove_s'), '{:.2f}')} | "
                         f"{fmt(r.get('peak_rss_mb'))} | {fmt(r.get('proof_bytes'))} | "
                         f"{fmt(r.get('max_abs_error'), '{:.5f}')} | {fmt(r.get('cells_per_mac'), '{:.3f}')} | "
                         f"{est} | {r.get('error', r.get('note', ''))} |")
        if "error" not in ours and "error" not in peer:
            ratio = lambda key: f"{ours[key] / peer[key]:.2f}x" if peer.get(key) else ""
            lines.append(f"| {name} | ratio | | {2.0 ** (ours['k'] - peer['k']):.3f}x rows | {ratio('keygen_s')} | "
                         f"{ratio('prove_s')} | {ratio('peak_rss_mb')} | {ratio('proof_bytes')} | "
                         f"{ratio('max_abs_error')} | | | |")
        text = "\n".join(lines) + "\n"
        open(TABLE, "w").write(text)
    print(text)


if __name__ == "__main__":
    main()
