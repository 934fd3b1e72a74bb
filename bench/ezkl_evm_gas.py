#!/usr/bin/env python3
"""Gas of EZKL's own Solidity verifier for a proof made by ../shared/bench/ezkl_peer.py.

Usage: ezkl_evm_gas.py OUTDIR SRS_PATH

OUTDIR is ezkl_peer.py's output folder (settings.json, vk.key, proof.json). Writes
Verifier.sol with ezkl.create_evm_verifier (which then fails trying to download solc: expected),
compiles it with the repo's solcjs shim (optimizer on, runs 1: what EZKL's own flow uses),
deploys it on a throwaway anvil, sends the proof as a transaction and prints
`RESULT {"runtime_bytes": .., "gas": .., "calldata_bytes": .., "tampered_rejected": true}`.
"""
import asyncio, json, os, subprocess, sys, tempfile, time

import ezkl

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOLC = os.environ.get("ZKINFER_SOLC", os.path.join(ROOT, "tools/solc"))
ANVIL = os.environ.get("ZKINFER_ANVIL", os.path.join(ROOT, "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"))
CAST = os.path.join(ROOT, "node_modules/@foundry-rs/cast-linux-amd64/bin/cast")
KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"  # anvil dev key 0


def call(f, *args):
    """EZKL's Python functions are sometimes coroutines that need a running loop."""
    async def inner():
        r = f(*args)
        return await r if asyncio.iscoroutine(r) or asyncio.isfuture(r) else r
    return asyncio.run(inner())


def run(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout


def main():
    out, srs = sys.argv[1:3]
    sol = os.path.join(out, "Verifier.sol")
    try:
        call(ezkl.create_evm_verifier, os.path.join(out, "vk.key"), os.path.join(out, "settings.json"), sol,
             os.path.join(out, "Verifier.abi"), srs)
    except Exception as e:  # it fails after writing the file, when it tries to fetch solc
        if not os.path.exists(sol):
            raise
        print(f"(create_evm_verifier: {str(e)[:80]}... Verifier.sol was written)", file=sys.stderr)
    source = open(sol).read()
    std = {"language": "Solidity", "sources": {"Verifier.sol": {"content": source}},
           "settings": {"optimizer": {"enabled": True, "runs": 1}, "evmVersion": "paris",
                        "outputSelection": {"*": {"*": ["evm.bytecode.object", "evm.deployedBytecode.object"]}}}}
    compiled = json.loads(run(SOLC, "--standard-json", input=json.dumps(std)))
    errors = [e for e in compiled.get("errors", []) if e["severity"] == "error"]
    if errors:
        sys.exit("\n".join(e["formattedMessage"] for e in errors))
    (name, c), = [(n, c) for n, c in compiled["contracts"]["Verifier.sol"].items() if c["evm"]["deployedBytecode"]["object"]]
    runtime = len(c["evm"]["deployedBytecode"]["object"]) // 2

    calldata_path = os.path.join(out, "calldata.bin")
    call(ezkl.encode_evm_calldata, os.path.join(out, "proof.json"), calldata_path)
    calldata = open(calldata_path, "rb").read()

    anvil = subprocess.Popen([ANVIL, "--host", "127.0.0.1", "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        url = None
        deadline = time.time() + 30
        while url is None and time.time() < deadline:
            line = anvil.stdout.readline()
            if "Listening on" in line:
                url = "http://" + line.split("Listening on")[1].strip()
        if url is None:
            sys.exit("anvil did not start")
        deploy = json.loads(run(CAST, "send", "--json", "--rpc-url", url, "--private-key", KEY, "--create",
                                "0x" + c["evm"]["bytecode"]["object"]))
        addr = deploy["contractAddress"]

        def send(data):
            receipt = json.loads(run(CAST, "send", "--json", "--gas-limit", "10000000", "--rpc-url", url,
                                     "--private-key", KEY, addr, "0x" + data.hex()))
            # EZKL's verifier returns a bool; it reverts on an invalid proof.
            return int(receipt["status"], 16) == 1, int(receipt["gasUsed"], 16)

        ok, gas = send(calldata)
        if not ok:
            sys.exit("EZKL's verifier rejected its own proof")
        tampered = bytearray(calldata)
        tampered[4 + 32 * 5] ^= 1
        bad_ok, _ = send(bytes(tampered))
        tampered_rejected = not bad_ok
        if bad_ok:
            # The verifier may return false instead of reverting: ask it.
            res = run(CAST, "call", "--rpc-url", url, addr, "0x" + bytes(tampered).hex()).strip()
            tampered_rejected = int(res, 16) == 0
    finally:
        anvil.terminate()
        anvil.wait()
    print("RESULT " + json.dumps({"runtime_bytes": runtime, "gas": gas, "calldata_bytes": len(calldata),
                                  "tampered_rejected": tampered_rejected}), flush=True)


if __name__ == "__main__":
    main()
