use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

use crate::{Error, Result};

/// A compiled contract.
#[derive(Clone, Debug)]
pub struct CompiledContract {
    /// The ABI JSON.
    pub abi: Value,
    /// Creation code.
    pub bytecode: Vec<u8>,
    /// Runtime code (what an address holds after deployment).
    pub deployed_bytecode: Vec<u8>,
}

/// A Solidity compiler driven through `--standard-json`: native solc or the project's solcjs
/// shim (`tools/solc`), which answers the same way.
#[derive(Clone, Debug)]
pub struct Solc {
    path: PathBuf,
}

impl Solc {
    /// A compiler at `path`.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// `$ZKINFER_SOLC`, else `tools/solc` in this directory or a parent (the repo's shim), else
    /// `solc` on `PATH`.
    pub fn find() -> Result<Self> {
        if let Some(p) = std::env::var_os("ZKINFER_SOLC") {
            return Ok(Self::at(p));
        }
        if let Ok(cwd) = std::env::current_dir() {
            for dir in cwd.ancestors() {
                let shim = dir.join("tools/solc");
                if shim.is_file() && dir.join("node_modules/solc").is_dir() {
                    return Ok(Self::at(shim));
                }
            }
        }
        Ok(Self::at("solc"))
    }

    /// The compiler's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The compiler version line (e.g. `0.8.19+commit.7dd6d404.Emscripten.clang`).
    pub fn version(&self) -> Result<String> {
        let out = Command::new(&self.path).arg("--version").output().map_err(|e| self.missing(e))?;
        let text = String::from_utf8_lossy(&out.stdout);
        text.lines().find_map(|l| l.strip_prefix("Version: ")).map(|v| v.trim().to_owned()).ok_or_else(|| {
            Error::SolcMissing(format!("{} --version printed no version", self.path.display()))
        })
    }

    fn missing(&self, e: std::io::Error) -> Error {
        Error::SolcMissing(format!(
            "cannot run `{}` ({e}); run `npm ci` in the repo for tools/solc, or set ZKINFER_SOLC",
            self.path.display()
        ))
    }

    /// Compiles `sources` (name -> content) and returns every contract by name, with the
    /// optimizer at `optimizer_runs` or off (`None`). Generated verifiers must be compiled
    /// without: solcjs runs out of memory optimizing them. Settings match foundry.toml, so
    /// forge and this build the same bytecode.
    pub fn compile(
        &self,
        sources: &BTreeMap<String, String>,
        optimizer_runs: Option<u32>,
    ) -> Result<BTreeMap<String, CompiledContract>> {
        let input = json!({
            "language": "Solidity",
            "sources": sources.iter().map(|(k, v)| (k.clone(), json!({ "content": v }))).collect::<serde_json::Map<_, _>>(),
            "settings": {
                "optimizer": { "enabled": optimizer_runs.is_some(), "runs": optimizer_runs.unwrap_or(200) },
                "evmVersion": "paris",
                "metadata": { "bytecodeHash": "none", "appendCBOR": false },
                "outputSelection": { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } }
            }
        });
        let mut child = Command::new(&self.path)
            .arg("--standard-json")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| self.missing(e))?;
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(input.to_string().as_bytes())
            .map_err(|e| Error::SolcMissing(format!("writing to solc: {e}")))?;
        let out = child.wait_with_output().map_err(|e| self.missing(e))?;
        let main = sources.keys().next().cloned().unwrap_or_default();
        let output: Value = serde_json::from_slice(&out.stdout).map_err(|e| Error::Compile {
            source_name: main.clone(),
            messages: format!(
                "unreadable compiler output ({e}); stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
        })?;
        let errors: Vec<String> = output["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["severity"] == "error")
            .map(|e| e["formattedMessage"].as_str().unwrap_or("(no message)").to_owned())
            .collect();
        if !errors.is_empty() {
            return Err(Error::Compile { source_name: main, messages: errors.join("\n") });
        }
        let mut contracts = BTreeMap::new();
        for file in output["contracts"].as_object().into_iter().flat_map(|m| m.values()) {
            for (name, c) in file.as_object().into_iter().flatten() {
                let code = |v: &Value| hex::decode(v.as_str().unwrap_or_default()).unwrap_or_default();
                contracts.insert(
                    name.clone(),
                    CompiledContract {
                        abi: c["abi"].clone(),
                        bytecode: code(&c["evm"]["bytecode"]["object"]),
                        deployed_bytecode: code(&c["evm"]["deployedBytecode"]["object"]),
                    },
                );
            }
        }
        Ok(contracts)
    }
}
