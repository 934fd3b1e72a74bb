//! The registry's aggregated-verification entry points.

use alloy::primitives::{Address, Bytes, B256, U256};

use crate::client::{confirm, ints, Chain, TxInfo, VERIFY_GAS_LIMIT};
use crate::contracts::ModelRegistry;
use crate::error::rpc;
use crate::{Error, Result};

/// One member of an aggregated batch as the registry takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchMember {
    /// The member's model.
    pub model_id: B256,
    /// Its inputs (fixed-point integers).
    pub inputs: Vec<i64>,
    /// Its outputs (fixed-point integers).
    pub outputs: Vec<i64>,
}

impl Chain {
    /// Records a model's circuit digest (only its registrant may, once).
    pub async fn register_circuit_digest(
        &self,
        registry: Address,
        model_id: B256,
        digest: U256,
    ) -> Result<TxInfo> {
        let pending = ModelRegistry::new(registry, self.provider())
            .registerCircuitDigest(model_id, digest)
            .send()
            .await
            .map_err(rpc("registerCircuitDigest"))?;
        let receipt = confirm("registerCircuitDigest", pending).await?;
        Ok(TxInfo { hash: receipt.transaction_hash, gas_used: receipt.gas_used })
    }

    /// Registers an aggregation verifier for batches of `member_count` inferences.
    pub async fn register_aggregation_verifier(
        &self,
        registry: Address,
        verifier: Address,
        member_count: u32,
    ) -> Result<TxInfo> {
        let pending = ModelRegistry::new(registry, self.provider())
            .registerAggregationVerifier(verifier, member_count)
            .send()
            .await
            .map_err(rpc("registerAggregationVerifier"))?;
        let receipt = confirm("registerAggregationVerifier", pending).await?;
        Ok(TxInfo { hash: receipt.transaction_hash, gas_used: receipt.gas_used })
    }

    fn batch_call(
        &self,
        verifier: Address,
        members: &[BatchMember],
        proof: &[u8],
    ) -> ModelRegistry::verifyInferenceBatchCall {
        ModelRegistry::verifyInferenceBatchCall {
            aggregationVerifier: verifier,
            modelIds: members.iter().map(|m| m.model_id).collect(),
            inputs: members.iter().map(|m| ints(&m.inputs)).collect(),
            outputs: members.iter().map(|m| ints(&m.outputs)).collect(),
            proof: Bytes::copy_from_slice(proof),
        }
    }

    /// `verifyInferenceBatch` as a call: whether the aggregated proof verifies for exactly
    /// these members. `proof` is the accumulator (12 words) then the proof bytes.
    pub async fn verify_inference_batch(
        &self,
        registry: Address,
        verifier: Address,
        members: &[BatchMember],
        proof: &[u8],
    ) -> Result<bool> {
        let r = ModelRegistry::new(registry, self.provider());
        r.call_builder(&self.batch_call(verifier, members, proof))
            .call()
            .await
            .map_err(rpc("verifyInferenceBatch"))
    }

    /// `verifyInferenceBatch` as a transaction (to measure its gas); fails if the proof does
    /// not verify.
    pub async fn verify_inference_batch_tx(
        &self,
        registry: Address,
        verifier: Address,
        members: &[BatchMember],
        proof: &[u8],
    ) -> Result<TxInfo> {
        let r = ModelRegistry::new(registry, self.provider());
        let call = r.call_builder(&self.batch_call(verifier, members, proof)).gas(VERIFY_GAS_LIMIT);
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
