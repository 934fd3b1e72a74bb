#!/usr/bin/env python3
"""zkinfer against EZKL on the same model and machine; writes docs/bench.md.

Run through scripts/bench.sh (it builds zkinfer and installs EZKL into a venv). For each
fixed-point setting, zkinfer runs keygen + prove REPEAT times in fresh directories (median
wall times from its --json step timings, peak RSS of the process), then the demo once for
on-chain figures (revm and anvil gas, sizes). EZKL runs ../shared/bench/ezkl_peer.py REPEAT
times (its own calibration, "resources" target) and bench/ezkl_evm_gas.py for its verifier.
"""
import json, os, resource, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZK = os.path.join(ROOT, "target/release/zkinfer")
PEER = os.path.normpath(os.path.join(ROOT, "../shared/bench/ezkl_peer.py"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
MODEL = os.environ.get("BENCH_MODEL", "models/risk_mlp/network.onnx")
INPUT = os.environ.get("BENCH_INPUT", "models/risk_mlp/input.json")
SCALES = [(8, 8), (13, 13)]


def measured(cmd):
    """Runs cmd in a fresh child and returns (stdout, peak RSS in MB of that child)."""
    probe = ("import resource, subprocess, sys\n"
             "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
             "sys.stdout.write(r.stdout)\n"
             "sys.stderr.write(r.stderr if r.returncode else '')\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
             "sys.exit(r.returncode)\n")
    r = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True, cwd=ROOT)
    if r.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stderr}")
    return r.stdout, int(r.stderr.strip().splitlines()[-1]) // 1024


def zkinfer(scale):
    s_in, s_w = scale
    keygen, prove, rss = [], [], []
    for _ in range(REPEAT):
        with tempfile.TemporaryDirectory() as d:
            flags = ["--input-scale", str(s_in), "--param-scale", str(s_w)]
            subprocess.run([ZK, "compile", "--model", MODEL, "--input", INPUT, "--dir", d, *flags],
                           check=True, capture_output=True, cwd=ROOT)
            out, mb = measured([ZK, "prove", "--input", INPUT, "--dir", d, "--json"])
            steps = json.loads(out)["stepSeconds"]
            keygen.append(steps["keygen (vk + pk)"])
            prove.append(steps["prove (SHPLONK, Keccak transcript) + native verify"])
            rss.append(mb)
    with tempfile.TemporaryDirectory() as d:
        demo = json.loads(subprocess.run([ZK, "demo", "--model", MODEL, "--input", INPUT, "--dir", d, "--json",
                                          "--input-scale", str(s_in), "--param-scale", str(s_w)],
                                         check=True, capture_output=True, text=True, cwd=ROOT).stdout)
    return {
        "k": demo["k"], "keygen_s": statistics.median(keygen), "prove_s": statistics.median(prove),
        "peak_rss_mb": max(rss), "proof_bytes": demo["proofBytes"], "verifier_bytes": demo["verifierRuntimeBytes"],
        "gas_verifier": demo["revmGas"], "gas_registry": demo["verifyInferenceGas"],
        "max_abs_error": demo["fidelity"]["maxAbsError"],
    }


def ezkl():
    runs = []
    for _ in range(REPEAT):
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run([sys.executable, PEER, os.path.join(ROOT, MODEL), os.path.join(ROOT, INPUT), d],
                               check=True, capture_output=True, text=True)
            res = json.loads([l for l in r.stdout.splitlines() if l.startswith("RESULT ")][-1][7:])
            runs.append(res)
            if len(runs) == REPEAT:
                srs = os.path.expanduser(f"~/.cache/ezkl-peer-srs/kzg{res['logrows']}.srs")
                g = subprocess.run([sys.executable, os.path.join(ROOT, "bench/ezkl_evm_gas.py"), d, srs],
                                   check=True, capture_output=True, text=True)
                gas = json.loads([l for l in g.stdout.splitlines() if l.startswith("RESULT ")][-1][7:])
    return {
        "k": runs[0]["logrows"], "keygen_s": statistics.median(r["times_s"]["setup"] for r in runs),
        "prove_s": statistics.median(r["times_s"]["prove"] for r in runs),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs), "proof_bytes": runs[0]["proof_bytes"],
        "verifier_bytes": gas["runtime_bytes"], "gas_verifier": gas["gas"], "gas_registry": None,
        "scales": runs[0]["scales"], "tampered_rejected": gas["tampered_rejected"],
    }


def main():
    ours = {s: zkinfer(s) for s in SCALES}
    peer = ezkl()
    rows = [("circuit size (k)", "k", "{}"), ("keygen / setup (s)", "keygen_s", "{:.2f}"),
            ("prove (s)", "prove_s", "{:.2f}"), ("peak RSS (MB)", "peak_rss_mb", "{}"),
            ("proof (bytes)", "proof_bytes", "{}"), ("verifier runtime code (bytes)", "verifier_bytes", "{}"),
            ("gas: verifier transaction", "gas_verifier", "{:,}"),
            ("gas: verifyInference via registry (tx)", "gas_registry", "{:,}")]
    best = ours[SCALES[-1]]
    lines = [f"# zkinfer vs EZKL: `{MODEL}`", "",
             "Written by `scripts/bench.sh` (median of %d runs; 2-core machine; dev SRS, SRS generation not timed)." % REPEAT,
             f"EZKL {peer['scales'][0]}/{peer['scales'][1]} are its calibrated input/param scales (\"resources\").", "",
             "| metric | zkinfer 2^8/2^8 | zkinfer 2^13/2^13 | EZKL 23.0.5 | zkinfer 2^13 / EZKL |", "|---|---|---|---|---|"]
    for label, key, fmt in rows:
        cells = [fmt.format(ours[s][key]) for s in SCALES]
        p = peer[key]
        cells.append("n/a" if p is None else fmt.format(p))
        if key == "k":  # compare rows, not their logarithm
            ratio = f"{2.0 ** (best[key] - p):.3f}x rows"
        else:
            ratio = "" if p in (None, 0) else f"{best[key] / p:.2f}x"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {ratio} |")
    lines += ["", "| max abs error vs float | " + " | ".join(f"{ours[s]['max_abs_error']:.5f}" for s in SCALES) + " | | |",
              "", f"EZKL's verifier rejected a tampered proof: {peer['tampered_rejected']}.",
              "Peak RSS is the whole process: zkinfer's prove command (keygen + prove), EZKL's Python",
              "process (setup + prove, interpreter included). EZKL has no registry; its verifier takes",
              "every input and output as a separate 32-byte public value."]
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.join(ROOT, "docs"), exist_ok=True)
    open(os.path.join(ROOT, "docs/bench.md"), "w").write(text)
    print(text)


if __name__ == "__main__":
    main()
