//! The universal verifier in an in-process EVM (revm): compile it, deploy it with an SRS and
//! any number of keys, call `verify`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use halo2_base::halo2_proofs::halo2curves::bn256::{Fr, G2Affine};
use revm::context::result::{ExecutionResult, Output};
use revm::context::TxEnv;
use revm::database::InMemoryDB;
use revm::primitives::{Address, TxKind};
use revm::{Context, ExecuteCommitEvm, MainBuilder, MainContext};
use sha3::{Digest, Keccak256};

use super::encode::{g2_words, int};
use super::vk_data::fr_word;
use crate::solc::Solc;
use crate::{Error, Result};

/// Name of the universal verifier contract (`contracts/verifier/ZkinferVerifier.sol`).
pub const UNIVERSAL_VERIFIER: &str = "ZkinferVerifier";

/// `contracts/verifier/ZkinferVerifier.sol`, built into this crate.
pub const UNIVERSAL_VERIFIER_SOURCE: &str =
    include_str!("../../../../contracts/verifier/ZkinferVerifier.sol");

/// Compiles [`UNIVERSAL_VERIFIER_SOURCE`] (optimized, as forge does); returns its creation
/// code without constructor arguments. Compiled once per process and compiler: the source is
/// part of this binary, and solcjs takes about 9 s for it (the demo needs it up to three times).
pub fn compile_universal_verifier(solc: &Solc) -> Result<Vec<u8>> {
    static COMPILED: Mutex<BTreeMap<PathBuf, Vec<u8>>> = Mutex::new(BTreeMap::new());
    let mut compiled = COMPILED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(code) = compiled.get(solc.path()) {
        return Ok(code.clone());
    }
    let sources = BTreeMap::from([("ZkinferVerifier.sol".to_owned(), UNIVERSAL_VERIFIER_SOURCE.to_owned())]);
    let mut contracts = solc.compile(&sources, Some(200))?;
    let c =
        contracts.remove(UNIVERSAL_VERIFIER).ok_or_else(|| Error::NoContract(UNIVERSAL_VERIFIER.into()))?;
    compiled.insert(solc.path().to_owned(), c.bytecode.clone());
    Ok(c.bytecode)
}

/// Constructor arguments: the SRS's `[1]G2` and `[s]G2`.
pub fn constructor_args(g2: &G2Affine, s_g2: &G2Affine) -> Vec<u8> {
    g2_words(g2).iter().chain(g2_words(s_g2).iter()).flatten().copied().collect()
}

/// Calldata of `verify(address vk, uint256[] instances, bytes proof)`.
pub fn verify_calldata(vk: [u8; 20], instances: &[Fr], proof: &[u8]) -> Vec<u8> {
    let selector = &Keccak256::digest(b"verify(address,uint256[],bytes)")[..4];
    let word = int;
    let mut out = selector.to_vec();
    let mut addr = [0u8; 32];
    addr[12..].copy_from_slice(&vk);
    out.extend(addr);
    out.extend(word(0x60));
    out.extend(word(0x60 + 32 + 32 * instances.len()));
    out.extend(word(instances.len()));
    instances.iter().for_each(|x| out.extend(fr_word(x)));
    out.extend(word(proof.len()));
    out.extend_from_slice(proof);
    out.resize(out.len() + (32 - proof.len() % 32) % 32, 0);
    out
}

/// What a `verify` call did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyOutcome {
    /// Returned `true`, with the transaction's gas.
    Accepted(u64),
    /// Returned `false`.
    Rejected,
    /// Reverted, with the revert data.
    Reverted(Vec<u8>),
}

/// An in-memory chain holding the universal verifier and keys.
#[derive(Debug)]
pub struct LocalEvm {
    evm: revm::MainnetEvm<revm::handler::MainnetContext<InMemoryDB>>,
    nonce: u64,
}

impl Default for LocalEvm {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalEvm {
    /// An empty chain.
    pub fn new() -> Self {
        Self { evm: Context::mainnet().with_db(InMemoryDB::default()).build_mainnet(), nonce: 0 }
    }

    fn transact(&mut self, kind: TxKind, data: Vec<u8>) -> Result<ExecutionResult> {
        let tx =
            TxEnv { gas_limit: 30_000_000, kind, data: data.into(), nonce: self.nonce, ..Default::default() };
        self.nonce += 1;
        self.evm.transact_commit(tx).map_err(|e| Error::Evm(format!("{e:?}")))
    }

    /// Deploys creation code; returns the address and the gas.
    pub fn deploy(&mut self, code: Vec<u8>) -> Result<([u8; 20], u64)> {
        match self.transact(TxKind::Create, code)? {
            ExecutionResult::Success { output: Output::Create(_, Some(address)), gas_used, .. } => {
                Ok((address.into_array(), gas_used))
            }
            other => Err(Error::Evm(format!("deployment failed: {other:?}"))),
        }
    }

    /// Runtime code size at `address`.
    pub fn code_size(&mut self, address: [u8; 20]) -> usize {
        use revm::database::Database;
        self.evm
            .ctx
            .journaled_state
            .database
            .basic(Address::from(address))
            .ok()
            .flatten()
            .and_then(|a| a.code)
            .map(|c| c.original_byte_slice().len())
            .unwrap_or(0)
    }

    /// Calls `to` with `data`; returns whether it succeeded, its output (the revert data, or
    /// the halt reason) and the transaction's gas.
    pub fn call(&mut self, to: [u8; 20], data: Vec<u8>) -> Result<(bool, Vec<u8>, u64)> {
        Ok(match self.transact(TxKind::Call(Address::from(to)), data)? {
            ExecutionResult::Success { output, gas_used, .. } => {
                (true, output.into_data().to_vec(), gas_used)
            }
            ExecutionResult::Revert { output, gas_used } => (false, output.to_vec(), gas_used),
            ExecutionResult::Halt { reason, gas_used } => {
                (false, format!("{reason:?}").into_bytes(), gas_used)
            }
        })
    }

    /// Calls `verify` on the verifier at `verifier`.
    pub fn verify(
        &mut self,
        verifier: [u8; 20],
        vk: [u8; 20],
        instances: &[Fr],
        proof: &[u8],
    ) -> Result<VerifyOutcome> {
        let (success, out, gas) = self.call(verifier, verify_calldata(vk, instances, proof))?;
        let returned_true = out.len() == 32 && out[31] == 1 && out[..31].iter().all(|b| *b == 0);
        Ok(match (success, returned_true) {
            (true, true) => VerifyOutcome::Accepted(gas),
            (true, false) => VerifyOutcome::Rejected,
            (false, _) => VerifyOutcome::Reverted(out),
        })
    }
}
