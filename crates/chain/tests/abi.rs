//! The committed ABI files that `sol!` reads must be what solc emits for the current sources.
//! `ZKINFER_BLESS=1` rewrites them.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::PathBuf;

use zkinfer_chain::{chess_sources, sources, OPTIMIZER_RUNS};
use zkinfer_evm::Solc;

#[test]
fn abi_is_current() {
    let solc = Solc::find().unwrap();
    let mut compiled = solc.compile(&sources(), Some(OPTIMIZER_RUNS)).unwrap();
    compiled.extend(solc.compile(&chess_sources(), Some(OPTIMIZER_RUNS)).unwrap());
    let bless = std::env::var_os("ZKINFER_BLESS").is_some();
    for name in ["ModelRegistry", "RiskOracle", "ChessGame", "IZkinferVerifier"] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("abi/{name}.json"));
        let abi = &compiled[name].abi;
        if bless {
            std::fs::write(&path, serde_json::to_string_pretty(abi).unwrap() + "\n").unwrap();
            continue;
        }
        let committed: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            &committed,
            abi,
            "{} is stale: run ZKINFER_BLESS=1 cargo test --release -p zkinfer-chain --test abi",
            path.display()
        );
    }
}
