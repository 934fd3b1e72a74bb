//! The registry's aggregated-verification entry points.

use alloy::primitives::{Address, Bytes, B256, U256};

use crate::client::{confirm, ints, Chain, TxInfo, VERIFY_GAS_LIMIT};
use crate::contracts::ModelRegistry;
use crate::error::rpc;
use crate::{Error, Result};

/// One member of an aggregated batch as the registry takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchMember {
    /// The member's model (the registry's id).
    pub model_id: B256,
    /// Its inputs (fixed-point integers).
    pub inputs: Vec<i64>,
    /// Its outputs (fixed-point integers).
    pub outputs: Vec<i64>,
}

impl Chain {
    /// Registers (as the registry's owner) the aggregation verifier for batches whose members
    /// have these circuit digests, in order; its proofs (accumulator included) are
    /// `proof_length` bytes. Returns the configuration key it is recorded under.
    pub async fn register_aggregation_verifier(
        &self,
        registry: Address,
        verifier: Address,
        member_digests: &[U256],
        proof_length: usize,
    ) -> Result<(B256, TxInfo)> {
        self.register_aggregation(registry, verifier, None, member_digests, proof_length).await
    }

    /// Registers (as the registry's owner) an aggregation circuit's key contract, read by the
    /// universal verifier of `version` (a registered one: 0 is refused), for batches whose
    /// members have these circuit digests, in order; its proofs (accumulator included) are
    /// `proof_length` bytes. Returns the configuration key it is recorded under.
    pub async fn register_aggregation_key(
        &self,
        registry: Address,
        key: Address,
        version: u16,
        member_digests: &[U256],
        proof_length: usize,
    ) -> Result<(B256, TxInfo)> {
        self.register_aggregation(registry, key, Some(version), member_digests, proof_length).await
    }

    /// `registerAggregationVerifier` (no version) or `registerAggregationKey`.
    async fn register_aggregation(
        &self,
        registry: Address,
        verifier: Address,
        version: Option<u16>,
        member_digests: &[U256],
        proof_length: usize,
    ) -> Result<(B256, TxInfo)> {
        let proof_length =
            u32::try_from(proof_length).map_err(|e| Error::Input(format!("batch proof length: {e}")))?;
        let r = ModelRegistry::new(registry, self.provider());
        let key = r.batchConfigKey(member_digests.to_vec()).call().await.map_err(rpc("batchConfigKey"))?;
        let digests = member_digests.to_vec();
        let (action, pending) = match version {
            None => {
                let call = r.registerAggregationVerifier(verifier, digests, proof_length);
                ("registerAggregationVerifier", call.send().await)
            }
            Some(version) => {
                let call = r.registerAggregationKey(verifier, version, digests, proof_length);
                ("registerAggregationKey", call.send().await)
            }
        };
        let receipt = confirm(action, pending.map_err(rpc(action))?).await?;
        Ok((key, TxInfo { hash: receipt.transaction_hash, gas_used: receipt.gas_used }))
    }

    fn batch_call(&self, members: &[BatchMember], proof: &[u8]) -> ModelRegistry::verifyInferenceBatchCall {
        ModelRegistry::verifyInferenceBatchCall {
            modelIds: members.iter().map(|m| m.model_id).collect(),
            inputs: members.iter().map(|m| ints(&m.inputs)).collect(),
            outputs: members.iter().map(|m| ints(&m.outputs)).collect(),
            proof: Bytes::copy_from_slice(proof),
        }
    }

    /// `verifyInferenceBatch` as a call: whether the aggregated proof verifies for exactly
    /// these members, checked by the aggregation verifier the registry's owner registered for
    /// their circuit digests. `proof` is the accumulator (12 words) then the proof bytes.
    pub async fn verify_inference_batch(
        &self,
        registry: Address,
        members: &[BatchMember],
        proof: &[u8],
    ) -> Result<bool> {
        let r = ModelRegistry::new(registry, self.provider());
        r.call_builder(&self.batch_call(members, proof)).call().await.map_err(rpc("verifyInferenceBatch"))
    }

    /// `verifyInferenceBatch` as a transaction (to measure its gas); fails if the proof does
    /// not verify.
    pub async fn verify_inference_batch_tx(
        &self,
        registry: Address,
        members: &[BatchMember],
        proof: &[u8],
    ) -> Result<TxInfo> {
        let r = ModelRegistry::new(registry, self.provider());
        let call = r.call_builder(&self.batch_call(members, proof)).gas(VERIFY_GAS_LIMIT);
        if !call.call().await.map_err(rpc("verifyInferenceBatch"))? {
            return Err(Error::Rpc {
                action: "verifyInferenceBatch".into(),
                reason: "the aggregated proof does not verify".into(),
            });
        }
        let pending = call.send().await.map_err(rpc("verifyInferenceBatch"))?;
        let receipt = confirm("verifyInferenceBatch", pending).await?;
        Ok(TxInfo { hash: receipt.transaction_hash, gas_used: receipt.gas_used })
    }
}
