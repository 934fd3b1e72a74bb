use halo2_base::halo2_proofs::halo2curves::bn256::Fr;
use snark_verifier_sdk::snark_verifier::loader::evm::deploy_and_call;

use crate::calldata::encode_calldata;
use crate::{Error, Result};

/// What the in-process EVM (revm) measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EvmCheck {
    /// Gas of the verifying call (including the 21,000 base and calldata).
    pub gas: u64,
}

/// Deploys the verifier in revm, calls it with the proof and requires success; then calls it
/// with the proof's last byte flipped and requires failure. The second call guards against a
/// verifier that accepts everything (an address without code does).
pub fn evm_verify(creation_code: &[u8], instances: &[Fr], proof: &[u8]) -> Result<EvmCheck> {
    if proof.is_empty() {
        return Err(Error::Evm("empty proof".into()));
    }
    let calldata = encode_calldata(instances, proof);
    let gas = deploy_and_call(creation_code.to_vec(), calldata.clone()).map_err(Error::Evm)?;
    let mut tampered = calldata;
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    if deploy_and_call(creation_code.to_vec(), tampered).is_ok() {
        return Err(Error::Evm("the verifier accepted a tampered proof: it checks nothing".into()));
    }
    Ok(EvmCheck { gas })
}
