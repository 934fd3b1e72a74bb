use std::path::PathBuf;

use alloy::node_bindings::{Anvil, AnvilInstance};

use crate::{Error, Result};

/// Where the anvil binary is: `$ZKINFER_ANVIL`, else the npm-installed Foundry binary in a
/// `node_modules` of this directory or a parent, else `anvil` on `PATH`. The real binary, not
/// npm's node wrapper, so that stopping the process stops the chain.
pub fn find_anvil() -> PathBuf {
    if let Some(p) = std::env::var_os("ZKINFER_ANVIL") {
        return p.into();
    }
    if let Ok(cwd) = std::env::current_dir() {
        for dir in cwd.ancestors() {
            let bin = dir.join("node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
            if bin.is_file() {
                return bin;
            }
        }
    }
    "anvil".into()
}

/// A local anvil chain on a free loopback port, stopped when dropped.
#[derive(Debug)]
pub struct LocalNode {
    instance: AnvilInstance,
}

impl LocalNode {
    /// Starts anvil and waits until it listens.
    pub fn start() -> Result<Self> {
        let path = find_anvil();
        let instance =
            Anvil::new().path(&path).arg("--host").arg("127.0.0.1").timeout(30_000).try_spawn().map_err(
                |e| {
                    Error::Node(format!(
                        "could not start {} ({e}); run `npm ci` in the repo, or set ZKINFER_ANVIL",
                        path.display()
                    ))
                },
            )?;
        Ok(Self { instance })
    }

    /// The HTTP JSON-RPC endpoint.
    pub fn endpoint(&self) -> String {
        self.instance.endpoint()
    }

    /// The chain id.
    pub fn chain_id(&self) -> u64 {
        self.instance.chain_id()
    }

    /// The `n`th funded dev account's private key, `0x`-hex.
    pub fn dev_key(&self, n: usize) -> Option<String> {
        self.instance.nth_key(n).map(|k| format!("0x{}", alloy::hex::encode(k.to_bytes())))
    }
}
