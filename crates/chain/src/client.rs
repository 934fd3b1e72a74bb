use alloy::network::{Ethereum, TransactionBuilder};
use alloy::primitives::{Address, Bytes, B256, I256, U256};
use alloy::providers::{DynProvider, PendingTransactionBuilder, Provider, ProviderBuilder};
use alloy::rpc::types::{TransactionReceipt, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;

use crate::contracts::{ModelRegistry, RiskOracle};
use crate::error::rpc;
use crate::registration::{ModelEntry, ModelVerifier};
use crate::{Error, Result};

/// How long to wait for a transaction to be mined before giving up with an error.
const RECEIPT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Gas limit of the measuring `verifyInference` transaction: far above what a verification
/// costs, so the gas used is the real cost.
pub const VERIFY_GAS_LIMIT: u64 = 3_000_000;

/// A transaction's hash and gas.
#[derive(Clone, Copy, Debug)]
pub struct TxInfo {
    /// The transaction hash.
    pub hash: B256,
    /// Gas used.
    pub gas_used: u64,
}

/// A deployed contract.
#[derive(Clone, Copy, Debug)]
pub struct Deployed {
    /// Where it lives.
    pub address: Address,
    /// The deployment transaction.
    pub tx: TxInfo,
    /// Size of the runtime code at the address.
    pub code_size: usize,
}

/// A model registered: the id the registry derived (checked against [`ModelEntry::model_id`])
/// and the transaction.
#[derive(Clone, Copy, Debug)]
pub struct Registered {
    /// The registry's id of the model.
    pub model_id: B256,
    /// The registration transaction.
    pub tx: TxInfo,
}

/// What `verifyInference` takes for one side: fixed-point integers (a public side), or the
/// side's hash as its only element (a hashed side; a private side takes none).
pub trait SideValues {
    /// The values as the contract's `int256[]`.
    fn int256s(&self) -> Vec<I256>;
}

impl SideValues for [i64] {
    fn int256s(&self) -> Vec<I256> {
        ints(self)
    }
}

impl SideValues for Vec<i64> {
    fn int256s(&self) -> Vec<I256> {
        ints(self)
    }
}

impl<const N: usize> SideValues for [i64; N] {
    fn int256s(&self) -> Vec<I256> {
        ints(self)
    }
}

impl SideValues for [I256] {
    fn int256s(&self) -> Vec<I256> {
        self.to_vec()
    }
}

impl SideValues for Vec<I256> {
    fn int256s(&self) -> Vec<I256> {
        self.clone()
    }
}

/// A signing client of one chain.
#[derive(Clone, Debug)]
pub struct Chain {
    provider: DynProvider,
    /// The chain id.
    pub chain_id: u64,
    /// The signing account.
    pub sender: Address,
}

impl Chain {
    /// Connects to `rpc_url` and signs with `private_key` (`0x`-hex).
    pub async fn connect(rpc_url: &str, private_key: &str) -> Result<Self> {
        let signer: PrivateKeySigner =
            private_key.parse().map_err(|e| Error::Input(format!("private key: {e}")))?;
        let sender = signer.address();
        let url = rpc_url.parse().map_err(|e| Error::Input(format!("RPC URL `{rpc_url}`: {e}")))?;
        // Nonces come from the node for every transaction: alloy's default cached nonce manager
        // hands out a nonce even when gas estimation then fails (a reverting call), leaving a
        // gap that stalls every later transaction.
        let provider = ProviderBuilder::new()
            .disable_recommended_fillers()
            .with_gas_estimation()
            .with_simple_nonce_management()
            .fetch_chain_id()
            .wallet(signer)
            .connect_http(url)
            .erased();
        let chain_id = provider
            .get_chain_id()
            .await
            .map_err(|e| Error::Rpc { action: format!("connecting to {rpc_url}"), reason: e.to_string() })?;
        Ok(Self { provider, chain_id, sender })
    }

    /// The underlying provider.
    pub fn provider(&self) -> &DynProvider {
        &self.provider
    }

    /// The latest block number.
    pub async fn block_number(&self) -> Result<u64> {
        self.provider
            .get_block_number()
            .await
            .map_err(|e| Error::Rpc { action: "eth_blockNumber".into(), reason: e.to_string() })
    }

    /// Size of the code at `address`.
    pub async fn code_size(&self, address: Address) -> Result<usize> {
        let code = self
            .provider
            .get_code_at(address)
            .await
            .map_err(|e| Error::Rpc { action: format!("eth_getCode {address}"), reason: e.to_string() })?;
        Ok(code.len())
    }

    /// Deploys `creation_code` (constructor arguments appended) and checks that code landed.
    pub async fn deploy(&self, label: &str, creation_code: Vec<u8>) -> Result<Deployed> {
        let action = || format!("deploying {label}");
        let tx = TransactionRequest::default().with_deploy_code(creation_code);
        let pending = self
            .provider
            .send_transaction(tx)
            .await
            .map_err(|e| Error::Rpc { action: action(), reason: e.to_string() })?;
        let receipt = confirm(&action(), pending).await?;
        let address = receipt.contract_address.ok_or_else(|| Error::Rpc {
            action: action(),
            reason: "no contract address in the receipt".into(),
        })?;
        let code_size = self.code_size(address).await?;
        if code_size == 0 {
            return Err(Error::NoCode(label.into(), address.to_string()));
        }
        Ok(Deployed {
            address,
            tx: TxInfo { hash: receipt.transaction_hash, gas_used: receipt.gas_used },
            code_size,
        })
    }

    /// Deploys a `RiskOracle` reading proofs through `verifier` (the registry) for `model_id`
    /// (the registry's id; the oracle refuses a model with private weights).
    pub async fn deploy_risk_oracle(
        &self,
        creation_code: &[u8],
        verifier: Address,
        model_id: B256,
    ) -> Result<Deployed> {
        let args = alloy::sol_types::SolConstructor::abi_encode(&RiskOracle::constructorCall {
            verifier,
            model: model_id,
        });
        self.deploy("RiskOracle", [creation_code, &args].concat()).await
    }

    /// The keccak256 of the code at `address`, as EXTCODEHASH gives it for an account with code.
    pub async fn code_hash(&self, address: Address) -> Result<B256> {
        let code = self
            .provider
            .get_code_at(address)
            .await
            .map_err(|e| Error::Rpc { action: format!("eth_getCode {address}"), reason: e.to_string() })?;
        if code.is_empty() {
            return Err(Error::NoCode("verifier".into(), address.to_string()));
        }
        Ok(alloy::primitives::keccak256(&code))
    }

    /// The id `registry` would give `entry` with `verifier` (its `computeModelId` view).
    pub async fn compute_model_id(
        &self,
        registry: Address,
        verifier: impl Into<ModelVerifier>,
        entry: &ModelEntry,
    ) -> Result<B256> {
        let verifier = verifier.into();
        ModelRegistry::new(registry, &self.provider)
            .computeModelId(entry.registration(verifier))
            .call()
            .await
            .map_err(rpc("computeModelId"))
    }

    /// Registers a model with its verifier; returns the id the registry derived, after checking
    /// it against the one computed here from the verifier's code ([`ModelEntry::model_id`]).
    pub async fn register_model(
        &self,
        registry: Address,
        verifier: impl Into<ModelVerifier>,
        entry: &ModelEntry,
    ) -> Result<Registered> {
        let verifier = verifier.into();
        // Without code there is no id to expect: the registry refuses (`VerifierHasNoCode`).
        let expected = self.code_hash(verifier.address).await.ok().map(|hash| entry.model_id(verifier, hash));
        let r = ModelRegistry::new(registry, &self.provider);
        let pending =
            r.registerModel(entry.registration(verifier)).send().await.map_err(rpc("registerModel"))?;
        let receipt = confirm("registerModel", pending).await?;
        let model_id = receipt
            .inner
            .logs()
            .iter()
            .filter(|log| log.address() == registry)
            .find_map(|log| log.log_decode::<ModelRegistry::ModelRegistered>().ok())
            .map(|event| event.inner.data.modelId)
            .ok_or_else(|| Error::Rpc {
                action: "registerModel".into(),
                reason: "no ModelRegistered event in the receipt".into(),
            })?;
        if expected != Some(model_id) {
            return Err(Error::Rpc {
                action: "registerModel".into(),
                reason: format!("the registry derived id {model_id}, zkinfer computes {expected:?}"),
            });
        }
        Ok(Registered { model_id, tx: TxInfo { hash: receipt.transaction_hash, gas_used: receipt.gas_used } })
    }

    /// The registry's universal verifier versions, in order (version `i + 1` at index `i`).
    pub async fn universal_verifiers(&self, registry: Address) -> Result<Vec<Address>> {
        let r = ModelRegistry::new(registry, &self.provider);
        let count = r.verifierCount().call().await.map_err(rpc("verifierCount"))?;
        let mut out = Vec::with_capacity(count.into());
        for version in 1..=count {
            let info = r.getVerifier(version).call().await.map_err(rpc("getVerifier"))?;
            out.push(info.verifier);
        }
        Ok(out)
    }

    /// The SRS a `ZkinferVerifier` at `verifier` accepts, as its `srs()` returns it
    /// (`[1]G2` words, then `[s]G2` words).
    pub async fn verifier_srs(&self, verifier: Address) -> Result<[U256; 8]> {
        let v = crate::contracts::IZkinferVerifier::new(verifier, &self.provider);
        let srs = v.srs().call().await.map_err(rpc("srs"))?;
        let mut words = [U256::ZERO; 8];
        words[..4].copy_from_slice(&srs.g2);
        words[4..].copy_from_slice(&srs.sG2);
        Ok(words)
    }

    /// Registers `verifier` (a deployed `ZkinferVerifier`) as the registry's next universal
    /// verifier version (the registry's owner only) and returns the version.
    pub async fn register_universal_verifier(
        &self,
        registry: Address,
        verifier: Address,
    ) -> Result<(u16, TxInfo)> {
        let r = ModelRegistry::new(registry, &self.provider);
        let call = r.registerVerifier(verifier);
        // Simulate first so that `NotOwner` or `VerifiersAreFrozen` come back by name.
        let version = call.call().await.map_err(rpc("registerVerifier"))?;
        let pending = call.send().await.map_err(rpc("registerVerifier"))?;
        let receipt = confirm("registerVerifier", pending).await?;
        Ok((version, TxInfo { hash: receipt.transaction_hash, gas_used: receipt.gas_used }))
    }

    /// Whether `registry` has `model_id`.
    pub async fn is_registered(&self, registry: Address, model_id: B256) -> Result<bool> {
        ModelRegistry::new(registry, &self.provider)
            .isRegistered(model_id)
            .call()
            .await
            .map_err(rpc("isRegistered"))
    }

    /// `verifyInference` as a call: `Ok(false)` for a proof that does not verify, `Err` for a
    /// revert (unknown model, wrong lengths, value out of range).
    pub async fn verify_inference(
        &self,
        registry: Address,
        model_id: B256,
        inputs: &(impl SideValues + ?Sized),
        outputs: &(impl SideValues + ?Sized),
        proof: &[u8],
    ) -> Result<bool> {
        ModelRegistry::new(registry, &self.provider)
            .verifyInference(model_id, inputs.int256s(), outputs.int256s(), Bytes::copy_from_slice(proof))
            .call()
            .await
            .map_err(rpc("verifyInference"))
    }

    /// Sends `verifyInference` as a transaction (it is a view, but a transaction shows what a
    /// contract calling it pays) with an explicit gas limit, and returns its gas.
    ///
    /// The limit is explicit because `eth_estimateGas` is useless here: with too little gas the
    /// verifier's staticcall fails and `verifyInference` returns `false` instead of reverting,
    /// so the estimate finds the cheap failing path.
    pub async fn verify_inference_tx(
        &self,
        registry: Address,
        model_id: B256,
        inputs: &(impl SideValues + ?Sized),
        outputs: &(impl SideValues + ?Sized),
        proof: &[u8],
    ) -> Result<TxInfo> {
        let r = ModelRegistry::new(registry, &self.provider);
        let call = r
            .verifyInference(model_id, inputs.int256s(), outputs.int256s(), Bytes::copy_from_slice(proof))
            .gas(VERIFY_GAS_LIMIT);
        if !call.call().await.map_err(rpc("verifyInference"))? {
            return Err(Error::Rpc {
                action: "verifyInference".into(),
                reason: "the proof does not verify".into(),
            });
        }
        let pending = call.send().await.map_err(rpc("verifyInference"))?;
        let receipt = confirm("verifyInference", pending).await?;
        Ok(TxInfo { hash: receipt.transaction_hash, gas_used: receipt.gas_used })
    }

    /// The registry's own encoding of the public values.
    pub async fn public_inputs(
        &self,
        registry: Address,
        model_id: B256,
        inputs: &(impl SideValues + ?Sized),
        outputs: &(impl SideValues + ?Sized),
    ) -> Result<Vec<U256>> {
        ModelRegistry::new(registry, &self.provider)
            .publicInputs(model_id, inputs.int256s(), outputs.int256s())
            .call()
            .await
            .map_err(rpc("publicInputs"))
    }

    /// Sends `RiskOracle.postAssessment`: the oracle acts only if the proof verifies.
    pub async fn post_assessment(
        &self,
        oracle: Address,
        inputs: &[i64],
        outputs: &[i64],
        proof: &[u8],
    ) -> Result<TxInfo> {
        let o = RiskOracle::new(oracle, &self.provider);
        let call = o.postAssessment(ints(inputs), ints(outputs), Bytes::copy_from_slice(proof));
        // Simulate first so that a rejected proof comes back as the contract's own error.
        call.call().await.map_err(rpc("postAssessment"))?;
        let pending = call.send().await.map_err(rpc("postAssessment"))?;
        let receipt = confirm("postAssessment", pending).await?;
        Ok(TxInfo { hash: receipt.transaction_hash, gas_used: receipt.gas_used })
    }

    /// The oracle's state: (risk class, assessments so far, max loan-to-value in bps).
    pub async fn oracle_state(&self, oracle: Address) -> Result<(u8, u64, u16)> {
        let o = RiskOracle::new(oracle, &self.provider);
        let class = o.riskClass().call().await.map_err(rpc("riskClass"))?;
        let count = o.assessmentCount().call().await.map_err(rpc("assessmentCount"))?;
        let ltv = o.maxLoanToValueBps().call().await.map_err(rpc("maxLoanToValueBps"))?;
        Ok((class, count.try_into().unwrap_or(u64::MAX), ltv))
    }
}

/// Waits (bounded) for a transaction and requires that it succeeded.
pub(crate) async fn confirm(
    action: &str,
    pending: PendingTransactionBuilder<Ethereum>,
) -> Result<TransactionReceipt> {
    let receipt = pending
        .with_timeout(Some(RECEIPT_TIMEOUT))
        .get_receipt()
        .await
        .map_err(|e| Error::Rpc { action: action.into(), reason: e.to_string() })?;
    if !receipt.status() {
        return Err(Error::Rpc { action: action.into(), reason: "the transaction reverted".into() });
    }
    Ok(receipt)
}

pub(crate) fn ints(values: &[i64]) -> Vec<I256> {
    values.iter().map(|&v| I256::try_from(v).expect("every i64 fits an int256")).collect()
}
