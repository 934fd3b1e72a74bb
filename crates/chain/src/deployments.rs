use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// A model's contracts on one chain.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelDeployment {
    /// Human name of the model.
    #[serde(default)]
    pub name: String,
    /// The circuit's model commitment (`compiled.json`'s `modelId`); the key of the entry is
    /// the registry's id, derived from it and the rest of the registration.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub commitment: String,
    /// Its verifying-key contract (read by the registry's universal verifier of
    /// `verifier_version`), or with version 0 its own verifier contract.
    pub verifier: String,
    /// The registry's universal verifier version, or 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub verifier_version: u16,
    /// Its consumer contract, if one was deployed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer: Option<String>,
}

/// `deployments/<chainId>.json`: the addresses of the zkinfer contracts on one chain. The
/// same format is written by `script/Deploy.s.sol` (see deployments/README.md).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployments {
    /// The chain.
    pub chain_id: u64,
    /// A block before every deployment recorded here (where event queries can start).
    #[serde(default)]
    pub start_block: u64,
    /// The `ModelRegistry`.
    pub model_registry: String,
    /// Models by registry id.
    #[serde(default)]
    pub models: BTreeMap<String, ModelDeployment>,
}

impl Deployments {
    /// The entry whose commitment is `commitment`, with its registry id (see [`Self::insert`]:
    /// one entry per commitment).
    pub fn find_commitment(&self, commitment: &str) -> Option<(&String, &ModelDeployment)> {
        self.models.iter().find(|(_, m)| m.commitment.eq_ignore_ascii_case(commitment))
    }

    /// Records `model` under its registry id `id`, replacing any entry of the same commitment
    /// (a model registered again, with a new verifier, gets a new id; the file keeps the newest).
    pub fn insert(&mut self, id: String, model: ModelDeployment) {
        if !model.commitment.is_empty() {
            self.models.retain(|_, m| !m.commitment.eq_ignore_ascii_case(&model.commitment));
        }
        self.models.insert(id, model);
    }

    /// `dir/<chainId>.json`.
    pub fn path(dir: &Path, chain_id: u64) -> PathBuf {
        dir.join(format!("{chain_id}.json"))
    }

    /// Reads the file for `chain_id`, if there is one.
    pub fn read(dir: &Path, chain_id: u64) -> Result<Option<Self>> {
        let path = Self::path(dir, chain_id);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| Error::Input(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Io { path, source }),
        }
    }

    /// Writes the file for this chain.
    pub fn write(&self, dir: &Path) -> Result<PathBuf> {
        let path = Self::path(dir, self.chain_id);
        std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_owned(), source })?;
        let text = serde_json::to_string_pretty(self).expect("deployments serialize") + "\n";
        std::fs::write(&path, text).map_err(|source| Error::Io { path: path.clone(), source })?;
        Ok(path)
    }
}

fn is_zero(version: &u16) -> bool {
    *version == 0
}
