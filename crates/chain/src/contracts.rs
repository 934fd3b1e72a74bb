//! Bindings and the embedded sources they are compiled from.
//!
//! `sol!` reads the ABI that solc emits for the repo's .sol files (`abi/*.json`: the macro
//! cannot follow Solidity imports, and the registry inherits its interface from three
//! files). The test `abi_is_current` fails when they drift from the sources; regenerate with
//! `ZKINFER_BLESS=1 cargo test --release -p zkinfer-chain --test abi`.

use std::collections::BTreeMap;

use alloy::sol;
use alloy::sol_types::SolInterface;
use zkinfer_evm::{CompiledContract, Solc};

use crate::Result;

sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    // registerModelWithVisibility: the six arguments of registerModel and the visibility.
    #[allow(clippy::too_many_arguments)]
    ModelRegistry,
    "abi/ModelRegistry.json"
);

sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    RiskOracle,
    "abi/RiskOracle.json"
);

sol!(
    #[sol(rpc)]
    #[derive(Debug)]
    IZkinferVerifier,
    "abi/IZkinferVerifier.json"
);

/// The contract sources, keyed by their path under `contracts/` so that relative imports
/// resolve without a file system.
pub fn sources() -> BTreeMap<String, String> {
    macro_rules! source {
        ($path:literal) => {
            ($path.to_owned(), include_str!(concat!("../../../contracts/", $path)).to_owned())
        };
    }
    BTreeMap::from([
        source!("ModelRegistry.sol"),
        source!("interfaces/IInferenceVerifier.sol"),
        source!("interfaces/IModelRegistry.sol"),
        source!("interfaces/IModelRegistryErrors.sol"),
        source!("interfaces/IZkinferVerifier.sol"),
        source!("libraries/InstanceEncoding.sol"),
        source!("libraries/ModelIds.sol"),
        source!("consumers/RiskOracle.sol"),
    ])
}

/// The compiled registry and consumer contracts.
#[derive(Debug)]
pub struct ContractSet {
    /// `ModelRegistry`.
    pub registry: CompiledContract,
    /// `RiskOracle`.
    pub risk_oracle: CompiledContract,
}

/// Optimizer runs of our own contracts (as in foundry.toml).
pub const OPTIMIZER_RUNS: u32 = 200;

/// Compiles the embedded contracts, optimized as forge builds them.
pub fn compile(solc: &Solc) -> Result<ContractSet> {
    let mut all = solc.compile(&sources(), Some(OPTIMIZER_RUNS))?;
    let mut take = |name: &str| all.remove(name).ok_or_else(|| zkinfer_evm::Error::NoContract(name.into()));
    Ok(ContractSet { registry: take("ModelRegistry")?, risk_oracle: take("RiskOracle")? })
}

/// A readable reason for a failed call: the registry's, the oracle's or the chess game's custom
/// error when the revert data decodes as one.
pub fn describe_revert(e: &alloy::contract::Error) -> String {
    if let Some(data) = e.as_revert_data() {
        if let Ok(err) = ModelRegistry::ModelRegistryErrors::abi_decode(&data) {
            return format!("reverted with {err:?}");
        }
        if let Ok(err) = RiskOracle::RiskOracleErrors::abi_decode(&data) {
            return format!("reverted with {err:?}");
        }
        if let Ok(err) = crate::ChessGame::ChessGameErrors::abi_decode(&data) {
            return format!("reverted with {err:?}");
        }
        return format!("reverted with data 0x{}", alloy::hex::encode(&data));
    }
    e.to_string()
}
