#!/usr/bin/env python3
"""Recursive aggregation benchmark: N = 1, 2, 4, 8 demo-model inferences in one proof; writes
docs/bench-aggregation.md.

Run through scripts/bench-aggregation.sh (it builds zkinfer). For each N of BENCH_AGG_SIZES,
`zkinfer demo --aggregate N --json` in a fresh directory (so aggregation keygen is measured,
not loaded): the demo proves N inferences with the Poseidon transcript, aggregates them at
k = BENCH_AGG_K (default 20) with the Keccak transcript, compiles the verifier, checks it in
revm, then on its own anvil registers it and calls `verifyInferenceBatch` once (and checks
that tampered batches are rejected). With BENCH_AGG_ROOT_K, a two-level tree instead
(`--aggregate-root-k`): the N proofs aggregated at k = BENCH_AGG_K with the Poseidon
transcript, that proof alone at k = BENCH_AGG_ROOT_K with the Keccak transcript; tree rows are
kept beside the flat ones. The peak resident memory is the demo process's (its peak
is the aggregation). One run per N: these take minutes. EZKL has no aggregation since v23, so
there is no peer column; the single-proof `verifyInference` of the same model is the baseline.
"""
import json, os, shutil, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZK = os.path.join(ROOT, "target/release/zkinfer")
SIZES = [int(n) for n in os.environ.get("BENCH_AGG_SIZES", "1 2 4 8").split()]
K = int(os.environ.get("BENCH_AGG_K", "20"))
ROOT_K = int(os.environ["BENCH_AGG_ROOT_K"]) if os.environ.get("BENCH_AGG_ROOT_K") else None
TIMEOUT = int(os.environ.get("BENCH_AGG_TIMEOUT", "5400"))
MEM_GB = int(os.environ.get("BENCH_MEM_GB", "22"))
WORK = os.path.join(ROOT, "target/bench-aggregation")
TABLE = os.path.join(ROOT, "docs/bench-aggregation.md")
RESULTS = os.path.join(WORK, "results.json")


def run(n):
    d = os.path.join(WORK, f"n{n}" if ROOT_K is None else f"tree{n}")
    shutil.rmtree(os.path.join(d, "aggregation"), ignore_errors=True)
    cmd = [ZK, "--json", "demo", "--aggregate", str(n), "--aggregate-k", str(K), "--dir", d]
    if ROOT_K is not None:
        cmd += ["--aggregate-root-k", str(ROOT_K)]
    probe = os.path.join(ROOT, "bench/measure.py")
    r = subprocess.run([sys.executable, probe, str(TIMEOUT), str(MEM_GB), *cmd], capture_output=True, text=True,
                       cwd=ROOT)
    rss = [l for l in r.stderr.splitlines() if l.startswith("RSS ")]
    if r.returncode:
        lines = [l for l in r.stderr.splitlines() if l.strip() and not l.startswith("RSS ")]
        why = [l for l in lines if l.startswith("error") or "Error" in l or "panicked" in l]
        return {"n": n, "root_k": ROOT_K, "error": (why or lines or ["failed"])[-1][:200]}
    s = json.loads(r.stdout)
    leaf = s.get("aggregationLeaf")
    return {
        "root_k": ROOT_K,
        "leaf": None if leaf is None else {
            "k": leaf["k"], "advice": leaf["numAdvice"], "lookup": leaf["numLookupAdvice"],
            "keygen_s": leaf["keygenSeconds"], "prove_s": leaf["proveSeconds"], "proof_bytes": leaf["proofBytes"],
        },
        "n": n, "k": s["aggregation"]["degree"], "advice": s["aggregation"]["num_advice"],
        "lookup": s["aggregation"]["num_lookup_advice"],
        "keygen_s": s["aggregationKeygenSeconds"], "prove_s": s["aggregationProveSeconds"],
        "peak_rss_mb": int(rss[-1][4:]) // 1024 if rss else None,
        "proof_bytes": s["aggregationProofBytes"], "public_values": s["publicValues"],
        "runtime_bytes": s["aggregationVerifierRuntimeBytes"], "deploy_bytes": s["aggregationVerifierDeployBytes"],
        "revm_gas": s.get("aggregationRevmGas"), "batch_gas": s.get("verifyInferenceBatchGas"),
        "single_gas": s["verifyInferenceGas"],
    }


def cell(row, key, fmt="{:,}"):
    v = row.get(key)
    return "" if v is None else fmt.format(v)


def write(rows):
    out = [
        "# Aggregation benchmark: N inferences, one proof, one on-chain call",
        "",
        "Written by `scripts/bench-aggregation.sh` (one `zkinfer demo --aggregate N` per row, fresh keys,",
        "2-core machine, dev SRS, SRS generation not timed). Members: the demo model (risk_mlp, k=12)",
        "on N different inputs. `verifyInferenceBatch` is one transaction on anvil through the",
        "`ModelRegistry` (the members' values checked against the registered model and circuit digest);",
        "`verifyInference` is the single-proof baseline of the same run. EIP-170 limit: 24,576 bytes.",
        "",
        "Tree rows (`tree`) aggregate the N proofs in a leaf (Poseidon transcript) and that proof alone in",
        "a root (Keccak transcript, the one verified on-chain); their k, columns and times read leaf / root.",
        "",
        "| N | shape | k | advice + lookup columns | keygen (s) | prove (s) | peak RSS (MB) | proof (bytes) | public values"
        " | verifier runtime / deploy (bytes) | verifier alone, revm (gas) | `verifyInferenceBatch` (gas) | per inference"
        " | N x `verifyInference` |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in sorted(rows, key=lambda r: (r.get("root_k") or 0, r["n"])):
        shape = "flat" if r.get("root_k") is None else "tree"
        if "error" in r:
            out.append(f"| {r['n']} | {shape} | | | | | | | | | | | | error: {r['error']} |")
            continue
        if r.get("batch_gas") is None:
            gas = "over EIP-170: not deployable | | |"
        else:
            gas = f"{r['revm_gas']:,} | {r['batch_gas']:,} | {r['batch_gas'] // r['n']:,} |"
        k, cols = f"{r['k']}", f"{r['advice']} + {r['lookup']}"
        keygen, prove = f"{r['keygen_s']:.1f}", f"{r['prove_s']:.1f}"
        if r.get("leaf"):
            l = r["leaf"]
            k, cols = f"{l['k']} / {k}", f"{l['advice']} + {l['lookup']} / {cols}"
            keygen, prove = f"{l['keygen_s']:.1f} / {keygen}", f"{l['prove_s']:.1f} / {prove}"
        out.append(
            f"| {r['n']} | {shape} | {k} | {cols} | {keygen} | {prove}"
            f" | {cell(r, 'peak_rss_mb')} | {cell(r, 'proof_bytes')} | {r['public_values']}"
            f" | {r['runtime_bytes']:,} / {r['deploy_bytes']:,} | {gas} {r['n'] * r['single_gas']:,} |")
    out.append("")
    with open(TABLE, "w") as f:
        f.write("\n".join(out))


def main():
    os.makedirs(WORK, exist_ok=True)
    rows = json.load(open(RESULTS)) if os.path.exists(RESULTS) else []
    for n in SIZES:
        tree = "" if ROOT_K is None else f", root k={ROOT_K}"
        print(f"N={n}: zkinfer demo --aggregate {n} (k={K}{tree})", flush=True)
        row = run(n)
        print(json.dumps(row), flush=True)
        rows = [r for r in rows if (r["n"], r.get("root_k")) != (n, ROOT_K)] + [row]
        json.dump(rows, open(RESULTS, "w"), indent=1)
        write(rows)
    print(f"written {TABLE}")


if __name__ == "__main__":
    main()
