//! File names inside an artifact directory, and default locations.

use std::path::{Path, PathBuf};

pub(crate) const COMPILED: &str = "compiled.json";
pub(crate) const PROOF: &str = "proof.json";
pub(crate) const SNARK: &str = "snark.json";
pub(crate) const AGGREGATION: &str = "aggregation.json";
pub(crate) const FIDELITY: &str = "fidelity.json";
pub(crate) const VERIFIER_JSON: &str = "verifier.json";
/// The model's key for the universal verifier (`ZkinferVerifier`).
pub(crate) const UNIVERSAL_KEY_JSON: &str = "universal-key.json";
pub(crate) const KEYS_DIR: &str = "keys";

/// `<Name>Verifier`, a Solidity identifier derived from the model name.
pub(crate) fn verifier_contract_name(model_name: &str) -> String {
    let mut name: String = model_name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .map(|s| {
            let mut c = s.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "Model");
    }
    name + "Verifier"
}

/// The Solidity file of the verifier in `dir`.
pub(crate) fn verifier_sol(dir: &Path, contract: &str) -> PathBuf {
    dir.join(format!("{contract}.sol"))
}

/// `$ZKINFER_CACHE_DIR`, else `$XDG_CACHE_HOME/zkinfer`, else `~/.cache/zkinfer`.
pub(crate) fn cache_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_owned();
    }
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(x).join("zkinfer");
    }
    match std::env::var_os("HOME") {
        Some(h) => PathBuf::from(h).join(".cache/zkinfer"),
        None => PathBuf::from(".zkinfer-cache"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_name_cannot_lead_a_file_out_of_the_artifact_directory() {
        // The model name comes from the ONNX file (its stem or folder): the verifier's file name
        // derived from it keeps only ASCII letters and digits.
        for name in ["../../etc/passwd", "/abs/path", "..", "a/b\\c", "net.work", "", "7up"] {
            let contract = verifier_contract_name(name);
            assert!(contract.chars().all(|c| c.is_ascii_alphanumeric()), "{name:?} -> {contract}");
            let file = verifier_sol(Path::new("out"), &contract);
            assert_eq!(file.parent(), Some(Path::new("out")), "{name:?} -> {}", file.display());
        }
        assert_eq!(verifier_contract_name("../../etc/passwd"), "EtcPasswdVerifier");
        assert_eq!(verifier_contract_name("7up"), "Model7upVerifier");
    }
}
